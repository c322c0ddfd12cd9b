import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Registry } from 'prom-client'
import { afterAll, describe, expect, it } from 'vitest'
import { hasErrorCode } from '@bi-perf/internal'
import { MissingPeerError } from './errors.js'
import { requireOptionalPeer } from './optional-peer.js'
import { loadPromClient } from './prometheus.js'

/** A module no install has: what prom-client is to an app that did not add it. */
const ABSENT = '@bi-perf/absent-prom-client'

const peers = mkdtempSync(join(tmpdir(), 'bi-perf-peers-'))

afterAll(() => rmSync(peers, { recursive: true, force: true }))

function thrownBy(load: () => unknown): unknown {
  try {
    load()
  } catch (error) {
    return error
  }
  return undefined
}

describe('optional peers of core', () => {
  it('names the install command when Prometheus export runs without prom-client', () => {
    const error = thrownBy(() => loadPromClient(ABSENT))
    expect(error).toBeInstanceOf(MissingPeerError)
    expect(hasErrorCode(error, 'E_CORE_MISSING_PEER')).toBe(true)
    expect(error).toMatchObject({ peer: 'prom-client', install: 'npm install prom-client' })
    expect((error as Error).message).toBe(
      'Prometheus export (registerPrometheus) needs prom-client, an optional peer dependency that is not installed: npm install prom-client',
    )
  })

  it('loads the copy the app has, so core registers on the same prom-client classes', () => {
    // The app (this test) and core resolve one prom-client: one Registry class, one registry.
    expect(loadPromClient().Registry).toBe(Registry)
  })

  it('passes on what goes wrong inside an installed peer instead of calling it missing', () => {
    // Installed but broken: its own code throws, or a module it needs is absent.
    const throwing = join(peers, 'throwing-peer.cjs')
    writeFileSync(throwing, "throw new Error('peer failed')")
    mkdirSync(join(peers, 'incomplete'), { recursive: true })
    const incomplete = join(peers, 'incomplete', 'index.cjs')
    writeFileSync(incomplete, "require('@bi-perf/gone-dependency')")

    expect(() => requireOptionalPeer('throwing-peer', 'a test', throwing)).toThrow('peer failed')
    const error = thrownBy(() => requireOptionalPeer('incomplete-peer', 'a test', incomplete))
    expect(error).not.toBeInstanceOf(MissingPeerError)
    expect((error as Error).message).toContain("'@bi-perf/gone-dependency'")
  })
})
