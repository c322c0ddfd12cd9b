import { describe, expect, it } from 'vitest'
import { ConnectionError, MissingPeerError, hasErrorCode } from '@bi-perf/db'
// The engines are internal: their settings name the module that provides PGlite, so a test can
// start them as a user without the optional peer does (the import fails), with no mock.
import { startPgliteInThread } from '../src/pglite-engine.js'
import { PgliteWorkerEngine } from '../src/pglite-worker-engine.js'

/** A module no install has: what `@electric-sql/pglite` is to a user who did not add it. */
const ABSENT = '@bi-perf/absent-pglite'

const settings = { dataDir: undefined, searchPath: undefined, module: ABSENT }

function expectMissingPglite(error: unknown) {
  expect(error).toBeInstanceOf(MissingPeerError)
  // Before it had a class of its own it was a ConnectionError: both still match.
  expect(error).toBeInstanceOf(ConnectionError)
  expect(hasErrorCode(error, 'E_DB_MISSING_PEER')).toBe(true)
  expect(hasErrorCode(error, 'E_DB_CONNECTION')).toBe(true)
  const missing = error as MissingPeerError
  expect(missing.peer).toBe('@electric-sql/pglite')
  expect(missing.install).toBe('npm install @electric-sql/pglite')
  expect(missing.message).toContain('embedded default needs @electric-sql/pglite')
  expect(missing.message).toContain('npm install @electric-sql/pglite')
}

describe('the embedded database without @electric-sql/pglite installed', () => {
  it('fails to start on this thread with the command that installs it', async () => {
    const error = await startPgliteInThread(settings).catch((caught: unknown) => caught)
    expectMissingPglite(error)
  })

  it('fails to start in its worker thread with the same error', async () => {
    const error = await PgliteWorkerEngine.start(settings, 5000).catch((caught: unknown) => caught)
    expectMissingPglite(error)
  }, 60_000)
})
