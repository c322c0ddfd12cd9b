import { describe, expect, it } from 'vitest'
import { describeIssues } from './validation-hook.js'

describe('describeIssues', () => {
  it('names body fields as body.<path> with the rule', () => {
    expect(describeIssues('json', [{ path: ['tags', 0], message: 'Too small' }])).toEqual([
      { path: 'body.tags.0', rule: 'Too small' },
    ])
  })

  it('reports each unknown key at its own path', () => {
    expect(
      describeIssues('json', [
        { path: [], message: 'Unrecognized keys', code: 'unrecognized_keys', keys: ['a', 'b'] },
      ]),
    ).toEqual([
      { path: 'body.a', rule: 'is not allowed' },
      { path: 'body.b', rule: 'is not allowed' },
    ])
  })

  it('keeps query and param targets as they are', () => {
    expect(
      describeIssues('query', [{ path: ['priority'], message: 'Invalid option' }])[0]?.path,
    ).toBe('query.priority')
  })
})
