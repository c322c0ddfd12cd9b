import type { BiPerfConfig, Optimizer } from '@bi-perf/core'
import type { MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import type { DemoWorkload } from './demo/workload.js'

/** What a token may do. `admin` includes everything `viewer` may do. */
export type Role = 'viewer' | 'admin'

/**
 * Where the server runs, from `NODE_ENV` (`readEnvironment`: anything but `development` or `test`
 * is `production`). `production` refuses to start without auth and closes `/metrics` unless
 * `server.metricsToken` is set.
 */
export type Environment = 'development' | 'production' | 'test'

/** Who called, once the bearer token checked out. */
export interface AuthInfo {
  /** The token's `sub` claim, or `unknown` when it has none. */
  subject: string
  role: Role
  /** Every verified claim of the token. */
  claims: Record<string, unknown>
}

/** The Hono environment of every route of the app: what middleware puts on the context. */
export interface AppEnv {
  Variables: {
    /** Set by hono's requestId middleware, echoed as `X-Request-Id`. */
    requestId: string
    /** Set once a bearer token was verified. */
    auth?: AuthInfo
  }
}

/** What the route factories receive. */
export interface RouteDeps {
  optimizer: Optimizer
  config: BiPerfConfig
  logger: Logger
  environment: Environment
  /**
   * Authentication middleware: 401 without a valid bearer token, 403 when its role is below
   * `role`; sets `c.var.auth`.
   */
  requireRole(role: Role): MiddlewareHandler<AppEnv>
  /** Absolute path of apps/api (the folder holding its package.json), in source and dist runs. */
  appRoot: string
  /** The demo workload `GET /analytics/dashboard` serves, if the server runs one. */
  demo: DemoWorkload | undefined
}

/** Options of {@link createApp}. */
export interface CreateAppOptions {
  /** A started (or starting) optimizer; the app never stops it. */
  optimizer: Optimizer
  /** The resolved configuration; `server.auth` must name a secret, a public key or a JWKS URL. */
  config: BiPerfConfig
  /** Access log and error log. */
  logger: Logger
  /**
   * `production` closes `/metrics` (401) unless `server.metricsToken` is set.
   * @default 'production'
   */
  environment?: Environment
  /** Aborting it ends every open event stream, so a graceful shutdown is not held up by them. */
  shutdown?: AbortSignal
  /**
   * The demo BI workload (`startDemoWorkload`) behind `GET /analytics/dashboard`; without one
   * that route answers 404 `E_DEMO_DISABLED`.
   */
  demo?: DemoWorkload
}
