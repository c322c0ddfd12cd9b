import { Option, type Command } from 'commander'
import { createContext } from '../context.js'
import { ConfigurationError } from '../errors.js'
import { signCliToken } from '../jwt.js'
import { loadLocalConfig } from '../local-config.js'
import { loadCore } from '../local-source.js'
import { parseDurationOption } from '../option-parsers.js'
import type { CommandEnv } from './command-env.js'

/**
 * `token --role viewer|admin [--ttl 1h]`: mints an HS256 JWT from `server.auth.jwtSecret` (the
 * configuration file or `BI_PERF_JWT_SECRET`), for `--token` / `BI_PERF_TOKEN` and the dashboard.
 *
 * @example
 * registerTokenCommand(program, { io, state })
 */
export function registerTokenCommand(parent: Command, env: CommandEnv): void {
  parent
    .command('token')
    .description('mint a JWT for the API from the configured secret (server.auth.jwtSecret)')
    .addOption(
      new Option('--role <role>', 'the role claim')
        .choices(['viewer', 'admin'])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--ttl <duration>', 'lifetime, e.g. 30m, 12h')
        .argParser(parseDurationOption)
        .default(3_600_000, '1h'),
    )
    .option('--json', 'print { "token", "role", "expiresAt" }')
    .addHelpText(
      'after',
      `
The secret comes from the configuration (--config, BI_PERF_CONFIG) or BI_PERF_JWT_SECRET; the token
carries sub "cli:<role>" (cli:viewer or cli:admin: the API rate-limits each role's tokens
apart), role, iat, exp, and iss / aud when server.auth sets them; its kid names the secret, so
tokens keep working while server.auth.jwtPreviousSecrets holds it after a rotation.`,
    )
    .action(
      async (
        options: { role: 'viewer' | 'admin'; ttl: number; json?: boolean },
        command: Command,
      ) => {
        const context = createContext(command, env.io, env.state)
        const config = await loadLocalConfig(context.local)
        const auth = config.server.auth
        if (!auth.jwtSecret) {
          const other = auth.jwtPublicKey || auth.jwksUrl
          throw new ConfigurationError(
            other
              ? 'no JWT secret configured: the server verifies RS256 tokens (jwtPublicKey / jwksUrl), which the CLI cannot sign — get a token from your identity provider'
              : 'no JWT secret configured: set server.auth.jwtSecret in the configuration file or BI_PERF_JWT_SECRET',
          )
        }
        const now = Math.floor(Date.now() / 1000)
        const { jwtKeyId } = await loadCore()
        const token = signCliToken(auth.jwtSecret, {
          keyId: jwtKeyId(auth.jwtSecret),
          role: options.role,
          ttlMs: options.ttl,
          issuer: auth.issuer,
          audience: auth.audience,
          now,
        })
        if (options.json) {
          const expiresAt = new Date((now + Math.max(1, Math.round(options.ttl / 1000))) * 1000)
          context.printJson({ token, role: options.role, expiresAt: expiresAt.toISOString() })
          return
        }
        context.print(token)
      },
    )
}
