import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ProcFile } from '../src/proc-file.js'

// Real /proc: the monitor's system source only runs on Linux, and so does this suite.
describe('ProcFile', () => {
  it('reads the same text as readFile, from a handle kept open', () => {
    const file = new ProcFile('/proc/meminfo')
    try {
      const text = file.read()
      expect(text.split('\n')[0]).toMatch(/^MemTotal:\s+\d+ kB$/)
      expect(text.split('\n')[0]).toBe(readFileSync('/proc/meminfo', 'latin1').split('\n')[0])
    } finally {
      file.close()
    }
  })

  it('regenerates the text on every read', () => {
    const file = new ProcFile('/proc/self/stat')
    try {
      const utimeOf = (text: string) => text.slice(text.lastIndexOf(')') + 2).split(' ')
      const first = utimeOf(file.read())
      // Burn CPU until the process's own counters move: the same handle must see new text.
      let second = utimeOf(file.read())
      const deadline = Date.now() + 5_000
      while (second[11] === first[11] && second[12] === first[12] && Date.now() < deadline) {
        for (let index = 0; index < 1e6; index++) Math.sqrt(index)
        second = utimeOf(file.read())
      }
      expect([second[11], second[12]]).not.toEqual([first[11], first[12]])
    } finally {
      file.close()
    }
  })

  it('grows its buffer for a text longer than the initial size', () => {
    const file = new ProcFile('/proc/self/status', 64)
    try {
      const text = file.read()
      expect(text.length).toBeGreaterThan(64)
      expect(text).toContain('\nVmRSS:')
      expect(text.endsWith('\n')).toBe(true)
    } finally {
      file.close()
    }
  })

  it('throws for a file that cannot be opened, and reads again once closed and reopened', () => {
    const missing = new ProcFile('/proc/no-such-file')
    expect(() => missing.read()).toThrow(/ENOENT/)
    const file = new ProcFile('/proc/loadavg')
    file.read()
    file.close()
    file.close()
    expect(file.read()).toMatch(/^\d+\.\d+ /)
    file.close()
  })
})
