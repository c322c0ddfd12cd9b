import { randomBytes, randomUUID } from 'node:crypto'
import { Writable } from 'node:stream'
import {
  createOptimizer,
  resolveConfig,
  type BiPerfConfig,
  type BiPerfConfigInput,
  type Optimizer,
} from '@bi-perf/core'
import { SignJWT, type JWTPayload } from 'jose'
import pino, { type Logger } from 'pino'
import { createApp, type AppTuning } from '../src/app.js'
import type { DemoWorkload } from '../src/demo/workload.js'
import type { Environment } from '../src/types.js'

/** A 43-character random HS256 secret. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url')
}

/** A prefix / queue name no other run uses. */
export function uniqueName(label: string): string {
  return `api-${label}-${randomUUID().slice(0, 8)}`
}

/** A configuration with a unique Redis prefix and queue and a fast monitor; PGlite, no Redis by default. */
export function testConfig(overrides: BiPerfConfigInput = {}): BiPerfConfig {
  const name = uniqueName('t')
  return resolveConfig({
    ...overrides,
    redis: { prefix: name, ...overrides.redis },
    tasks: { queue: name, ...overrides.tasks },
    monitor: { interval: '200ms', ...overrides.monitor },
  })
}

/** Started optimizers, stopped by {@link stopAll}. */
const optimizers: Optimizer[] = []

/** Creates and starts an optimizer; {@link stopAll} stops it. */
export async function startOptimizer(config: BiPerfConfig): Promise<Optimizer> {
  const optimizer = await createOptimizer(config)
  optimizers.push(optimizer)
  await optimizer.start()
  return optimizer
}

/** Stops every optimizer {@link startOptimizer} made, clearing their caches first. */
export async function stopAll(): Promise<void> {
  for (const optimizer of optimizers.splice(0)) {
    await optimizer.cache?.clear().catch(() => undefined)
    await optimizer.stop()
  }
}

/** A logger that keeps every line it writes, parsed. */
export function captureLogger(): {
  logger: Logger
  lines: Record<string, unknown>[]
  text: () => string
} {
  const raw: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(chunk.toString())
      callback()
    },
  })
  const logger = pino({ level: 'info' }, stream)
  return {
    logger,
    get lines() {
      return raw
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
    },
    text: () => raw.join(''),
  }
}

/** A logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' })
}

/** An app on a fresh optimizer: HS256 with `secret`, PGlite, memory rate limit. */
export async function makeApp(
  options: {
    config?: BiPerfConfigInput
    logger?: Logger
    environment?: Environment
    shutdown?: AbortSignal
    secret?: string
    /** Reuse a started optimizer instead of starting one. */
    optimizer?: Optimizer
    /** Starts the demo workload the app serves, on the app's optimizer, before the app is built. */
    demo?: (optimizer: Optimizer) => Promise<DemoWorkload>
  } & AppTuning = {},
) {
  const secret = options.secret ?? newSecret()
  const input = options.config ?? {}
  const config = testConfig({
    ...input,
    server: { ...input.server, auth: input.server?.auth ?? { jwtSecret: secret } },
  })
  const optimizer = options.optimizer ?? (await startOptimizer(config))
  const logger = options.logger ?? silentLogger()
  const demo = options.demo ? await options.demo(optimizer) : undefined
  const app = createApp({
    optimizer,
    config,
    logger,
    environment: options.environment ?? 'test',
    ...(options.shutdown ? { shutdown: options.shutdown } : {}),
    ...(options.jwks ? { jwks: options.jwks } : {}),
    processMetrics: options.processMetrics ?? false,
    ...(demo ? { demo } : {}),
  })
  return { app, optimizer, config, secret, logger, demo }
}

/**
 * Signs an HS256 token: role viewer, subject `tester`, issued now, 5 minutes, unless claims or
 * options say otherwise.
 */
export function hsToken(
  secret: string,
  claims: JWTPayload = {},
  options: { expires?: string | number | false } = {},
) {
  const jwt = new SignJWT({ role: 'viewer', ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(typeof claims.sub === 'string' ? claims.sub : 'tester')
  if (claims.iat === undefined) jwt.setIssuedAt()
  if (options.expires !== false) jwt.setExpirationTime(options.expires ?? '5m')
  return jwt.sign(new TextEncoder().encode(secret))
}

/** `Authorization: Bearer <token>` headers. */
export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` }
}

/** An unsigned token (`alg: none`). */
export function noneToken(claims: JWTPayload): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`
}

/** The error shape every non-2xx response has; also asserts no stack trace leaked. */
export async function readError(
  response: Response,
): Promise<{ code: string; message: string; details?: unknown }> {
  const text = await response.text()
  if (/\bat .+\.(ts|js):\d+/.test(text) || text.includes('node_modules'))
    throw new Error(`stack trace in response: ${text}`)
  const body = JSON.parse(text) as {
    error?: { code: unknown; message: unknown; details?: unknown }
  }
  if (
    !body.error ||
    typeof body.error.code !== 'string' ||
    typeof body.error.message !== 'string'
  ) {
    throw new Error(`not the error shape: ${text}`)
  }
  const keys = Object.keys(body).join(',')
  if (keys !== 'error') throw new Error(`extra top-level keys: ${keys}`)
  return body.error as { code: string; message: string; details?: unknown }
}

// The shared services (a missing server fails the tests, never skips them) and polling.
export { freePort, postgresUrl, redisUrl, waitFor, waitForValue } from '@bi-perf/test-services'
