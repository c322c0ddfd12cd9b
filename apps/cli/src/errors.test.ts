import { MissingPeerError as CoreMissingPeerError } from '@bi-perf/core'
import { ConnectionError, MissingPeerError as DbMissingPeerError } from '@bi-perf/db'
import { describe, expect, it } from 'vitest'
import { MissingDependencyError, missingDependency } from './errors.js'

describe('missingDependency', () => {
  it('tells a global CLI how to add the embedded database it lacks (exit 2)', () => {
    // The error @bi-perf/db throws when no url is set and @electric-sql/pglite is absent.
    const fromDb = new DbMissingPeerError(
      '@electric-sql/pglite',
      'no url was given, and the embedded default needs @electric-sql/pglite',
    )
    const error = missingDependency(fromDb)
    expect(error).toBeInstanceOf(MissingDependencyError)
    expect(error?.exitCode).toBe(2)
    expect(error?.code).toBe('E_CLI_MISSING_DEPENDENCY')
    expect(error?.peer).toBe('@electric-sql/pglite')
    expect(error?.cause).toBe(fromDb)
    expect(error?.message).toBe(
      '@electric-sql/pglite is not installed: the embedded database (no database.url) runs on it; or set database.url (DATABASE_URL) to a PostgreSQL server — install it where the CLI is: npm install -g @electric-sql/pglite (or npm install @electric-sql/pglite in the project)',
    )
  })

  it('names the global install for any library peer, with what needs it', () => {
    const error = missingDependency(new CoreMissingPeerError('prom-client', 'Prometheus export'))
    expect(error?.message).toMatch(/^prom-client is not installed: this command needs it — /)
    expect(error?.message).toContain('npm install -g prom-client')
  })

  it('leaves every other error alone', () => {
    expect(missingDependency(new ConnectionError('connection refused'))).toBeUndefined()
    expect(missingDependency(new Error('boom'))).toBeUndefined()
    expect(missingDependency('E_DB_MISSING_PEER')).toBeUndefined()
    expect(missingDependency(null)).toBeUndefined()
  })
})
