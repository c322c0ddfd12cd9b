import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { ENTER_SCREEN, FullScreen, LEAVE_SCREEN, fitLine } from './screen.js'
import { stripAnsi } from './style.js'

function fakeTerminal(columns = 40, rows = 10) {
  const writes: string[] = []
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        writes.push(chunk.toString())
        callback()
      },
    }),
    { isTTY: true, columns, rows },
  )
  return { stream, writes }
}

describe('FullScreen', () => {
  it('enters and leaves the alternate screen once each, however often asked', () => {
    const { stream, writes } = fakeTerminal()
    const screen = new FullScreen(stream)
    screen.enter()
    screen.enter()
    screen.leave()
    screen.leave()
    expect(writes).toEqual([ENTER_SCREEN, LEAVE_SCREEN])
  })

  it('rewrites only the lines that changed since the last frame', () => {
    const { stream, writes } = fakeTerminal()
    const screen = new FullScreen(stream)
    screen.enter()
    screen.draw(['title', 'cpu 1', 'footer'])
    writes.length = 0
    screen.draw(['title', 'cpu 2', 'footer'])
    expect(writes).toHaveLength(1)
    expect(writes[0]).toContain('\u001B[2;1Hcpu 2')
    expect(writes[0]).not.toContain('title')
    writes.length = 0
    screen.draw(['title', 'cpu 2', 'footer'])
    expect(writes).toEqual([])
  })

  it('clears lines a shorter frame no longer uses', () => {
    const { stream, writes } = fakeTerminal()
    const screen = new FullScreen(stream)
    screen.enter()
    screen.draw(['a', 'b', 'c'])
    writes.length = 0
    screen.draw(['a'])
    expect(writes.join('')).toContain('\u001B[3;1H\u001B[0m\u001B[K')
  })

  it('cuts lines to the terminal width so they never wrap', () => {
    const { stream, writes } = fakeTerminal(10)
    const screen = new FullScreen(stream)
    screen.enter()
    screen.draw(['0123456789abcdef'])
    expect(writes.join('')).toContain('0123456789')
    expect(writes.join('')).not.toContain('a')
  })
})

describe('fitLine', () => {
  it('keeps colour sequences and counts only visible characters', () => {
    const line = `\u001B[32mok\u001B[39m status line`
    const cut = fitLine(line, 6)
    expect(stripAnsi(cut)).toBe('ok sta')
    expect(cut.startsWith('\u001B[32m')).toBe(true)
  })
})
