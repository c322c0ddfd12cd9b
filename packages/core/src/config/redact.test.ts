import { describe, expect, it } from 'vitest'
import { resolveConfig } from './loader.js'
import { redactConfig, redactUrl } from './redact.js'

describe('redactUrl', () => {
  it.each([
    ['redis://:pw@h', 'redis://:***@h'],
    ['redis://:pw@h:6379/0', 'redis://:***@h:6379/0'],
    ['postgres://app:s3cret@db:5432/bi', 'postgres://app:***@db:5432/bi'],
    ['postgres://app:p@ss@db/bi', 'postgres://app:***@db/bi'],
    ['postgres://db/bi?user=app&password=s3cret', 'postgres://db/bi?user=app&password=***'],
  ])('masks the password of %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown)
  })

  it('leaves URLs without a password as they are', () => {
    expect(redactUrl('redis://localhost:6379')).toBe('redis://localhost:6379')
    expect(redactUrl('postgres://app@db/bi')).toBe('postgres://app@db/bi')
  })
})

describe('redactConfig', () => {
  it('masks secrets and URL passwords and keeps everything else', () => {
    const config = resolveConfig({
      redis: { url: 'redis://:redis-pw@cache:6379' },
      database: { url: 'postgres://app:db-pw@db/bi' },
      server: {
        auth: { jwtSecret: 's'.repeat(40), jwtPreviousSecrets: ['p'.repeat(40), 'q'.repeat(40)] },
        metricsToken: 'm'.repeat(20),
        port: 9000,
      },
    })
    const shown = redactConfig(config)
    const text = JSON.stringify(shown)
    expect(text).not.toMatch(/redis-pw|db-pw|sssss|mmmmm|ppppp|qqqqq/)
    expect(shown.redis.url).toBe('redis://:***@cache:6379')
    expect(shown.database.url).toBe('postgres://app:***@db/bi')
    expect(shown.server.auth.jwtSecret).toBe('***')
    expect(shown.server.auth.jwtPreviousSecrets).toEqual(['***', '***'])
    expect(shown.server.metricsToken).toBe('***')
    expect(shown.server.port).toBe(9000)
    expect(config.server.auth.jwtSecret).toBe('s'.repeat(40))
  })

  it('keeps unset secrets absent', () => {
    const shown = redactConfig(resolveConfig({}))
    expect('jwtSecret' in shown.server.auth).toBe(false)
    expect('url' in shown.redis).toBe(false)
  })
})
