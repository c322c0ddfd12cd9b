/* global process */
import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const script = join(dirname(fileURLToPath(import.meta.url)), 'test-setup.mjs')

/** A loopback port nothing listens on: bound, read, released. */
async function closedPort() {
  const server = createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

function runSetup(env) {
  return spawnSync(process.execPath, [script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    timeout: 15_000,
  })
}

test('names a Redis that does not answer in one line and stops before building anything', async () => {
  const port = await closedPort()
  const result = runSetup({ REDIS_URL: `redis://127.0.0.1:${port}` })
  expect(result.status).toBe(1)
  expect(result.stdout).toBe('')
  expect(result.stderr).toBe(
    `test setup: Redis does not answer at 127.0.0.1:${port}: start it, or point the URL at one\n`,
  )
})

test('names a PostgreSQL that does not answer, never starting a server it does not own', async () => {
  const port = await closedPort()
  const result = runSetup({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test` })
  expect(result.status).toBe(1)
  expect(result.stderr.trim().split('\n')).toEqual([
    `test setup: PostgreSQL does not answer at 127.0.0.1:${port}: start it, or point the URL at one`,
  ])
})
