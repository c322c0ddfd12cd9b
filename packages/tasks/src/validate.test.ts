import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, UnserializableDataError } from './errors.js'
import { checkTaskName, prepareTask } from './validate.js'

describe('prepareTask', () => {
  it('serializes JSON-compatible data once and applies defaults', () => {
    const { id, ...rest } = prepareTask('t', { a: [1, 'x', null, true], b: undefined }, undefined)
    expect(rest).toEqual({
      name: 't',
      json: '{"a":[1,"x",null,true]}',
      priority: 'normal',
      delay: 0,
    })
    // A random UUID by default: the idempotency id, known before anything is sent.
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(prepareTask('t', undefined, { delay: '2s', id: 'a-1' })).toMatchObject({
      json: 'null',
      delay: 2000,
      id: 'a-1',
    })
  })

  it('gives every task without an id a fresh random one', () => {
    const ids = new Set(Array.from({ length: 100 }, () => prepareTask('t', null, undefined).id))
    expect(ids.size).toBe(100)
  })

  it.each([
    [{ when: new Date() }, /data\.when is a Date/],
    [{ list: [1, undefined] }, /data\.list\[1\] is undefined/],
    [{ n: Number.POSITIVE_INFINITY }, /Infinity/],
    [Symbol('s'), /symbol/],
    [{ buffer: Buffer.from('x') }, /Buffer/],
  ])('refuses %s', (data, message) => {
    expect(() => prepareTask('t', data, undefined)).toThrow(UnserializableDataError)
    expect(() => prepareTask('t', data, undefined)).toThrow(message)
  })

  it.each([
    [{ priority: 'urgent' }, 'options.priority'],
    [{ id: '' }, 'options.id'],
    [{ id: 'a:b' }, 'options.id'],
    [{ id: '42' }, 'options.id'],
    // BullMQ refuses it too ("Custom Id cannot be integers"), which would fail a whole batch.
    [{ id: '-1' }, 'options.id'],
    [{ delay: 'soon' }, 'options.delay'],
  ])('refuses options %j naming %s', (options, argument) => {
    expect(() => prepareTask('t', null, options as never, 'tasks[2]')).toThrow(
      `tasks[2].${argument}`,
    )
  })

  it('names the argument in field, and under the deprecated argument getter', () => {
    try {
      prepareTask('t', null, { priority: 'urgent' } as never, 'tasks[2]')
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({
        code: 'E_TASKS_INVALID_ARGUMENT',
        field: 'tasks[2].options.priority',
      })
      expect((error as InvalidArgumentError).argument).toBe('tasks[2].options.priority')
    }
  })

  it('checks task names', () => {
    expect(() => checkTaskName('name', 'a:b')).toThrow(InvalidArgumentError)
    expect(() => checkTaskName('name', 42)).toThrow(/name/)
    expect(() => checkTaskName('name', 'generate-insights')).not.toThrow()
  })
})
