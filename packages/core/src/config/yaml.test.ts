import { describe, expect, it } from 'vitest'
import { ConfigFileError } from '../errors.js'
import { parseConfigYaml } from './yaml.js'

describe('parseConfigYaml', () => {
  it('records the line and column of every key and value', () => {
    const { values, sources } = parseConfigYaml(
      'cache:\n  l1:\n    maxBytes: 64MiB\nredis:\n  clusterNodes:\n    - a:1\n    - b:2\n',
      'conf/bi-perf.yaml',
    )
    expect(values).toEqual({
      cache: { l1: { maxBytes: '64MiB' } },
      redis: { clusterNodes: ['a:1', 'b:2'] },
    })
    expect(sources.valueSource(['cache', 'l1', 'maxBytes'])).toBe('conf/bi-perf.yaml:3:15')
    expect(sources.keySource(['cache', 'l1', 'maxBytes'])).toBe('conf/bi-perf.yaml:3:5')
    expect(sources.valueSource(['redis', 'clusterNodes', 1])).toBe('conf/bi-perf.yaml:7:7')
  })

  it('reads an empty file or one of comments as no settings', () => {
    expect(parseConfigYaml('', 'a.yaml').values).toEqual({})
    expect(parseConfigYaml('# nothing yet\n', 'a.yaml').values).toEqual({})
  })

  it('treats a key without a value as unset', () => {
    const { values } = parseConfigYaml('database:\n  pool:\n  url: null\ncache:\n', 'a.yaml')
    expect(values).toEqual({ database: {} })
  })

  it('resolves anchors and aliases', () => {
    const { values } = parseConfigYaml(
      'cache:\n  namespaces:\n    a: &short { ttl: 1m }\n    b: *short\n',
      'a.yaml',
    )
    expect(values).toEqual({ cache: { namespaces: { a: { ttl: '1m' }, b: { ttl: '1m' } } } })
  })

  it('reports a syntax error with its line', () => {
    expect(() => parseConfigYaml('cache:\n  ttl: 5m: 1m\nprofile: memory\n', 'bad.yaml')).toThrow(
      expect.objectContaining({
        code: 'E_CORE_CONFIG_FILE',
        file: 'bad.yaml',
        message: expect.stringMatching(/bad\.yaml: invalid YAML at line 2/) as string,
      }),
    )
  })

  it('reports duplicate keys', () => {
    expect(() => parseConfigYaml('profile: memory\nprofile: balanced\n', 'a.yaml')).toThrow(
      /line 2, column 1: Map keys must be unique/,
    )
  })

  it('does not quote the file in a syntax error, which may hold secrets', () => {
    let caught: unknown
    try {
      parseConfigYaml('server:\n  auth:\n    jwtSecret: top: secret-value\n', 'a.yaml')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ConfigFileError)
    expect((caught as Error).message).toMatch(/line 3/)
    expect((caught as Error).message).not.toContain('secret-value')
  })

  it('rejects a file whose top level is not a mapping', () => {
    expect(() => parseConfigYaml('- cache\n- redis\n', 'a.yaml')).toThrow(
      /expected a mapping of settings at the top level/,
    )
  })
})
