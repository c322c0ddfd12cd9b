import fc from 'fast-check'
import { clusterFaults, sequences, serverFaults, type Step } from './steps.js'
import { ChaosWorld, ClusterServers, SingleServer, type Servers } from './world.js'

export interface ChaosOptions {
  topology: 'server' | 'cluster'
  runs: number
  minSteps: number
  maxSteps: number
  /** Replays a run: the seed a failing run printed. */
  seed?: number
  /** With `seed`, the path fast-check printed, to replay the shrunk sequence directly. */
  path?: string
  /** Called after every sequence. */
  onSequence?: (world: ChaosWorld) => void
}

export interface ChaosSummary {
  seed: number
  sequences: number
  steps: number
  faults: number
  checks: number
  strictChecks: number
}

/**
 * The model-based chaos property: random sequences of cache operations on three instances,
 * interleaved with faults, each checked against the reference model. One server (or cluster)
 * serves every sequence of a run; each sequence has its own key prefix. On failure fast-check
 * shrinks the sequence and the error names the seed and path to replay it.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosSummary> {
  const seed = options.seed ?? Date.now() % 2 ** 31
  const servers: Servers =
    options.topology === 'cluster' ? await ClusterServers.start() : await SingleServer.start()
  const faults = options.topology === 'cluster' ? clusterFaults : serverFaults
  const summary: ChaosSummary = {
    seed,
    sequences: 0,
    steps: 0,
    faults: 0,
    checks: 0,
    strictChecks: 0,
  }
  try {
    await fc.assert(
      fc.asyncProperty(
        sequences(faults, options.minSteps, options.maxSteps),
        async (steps: Step[]) => {
          const world = new ChaosWorld(servers)
          try {
            await world.run(steps)
          } catch (error) {
            if (process.env.CHAOS_TRACE)
              console.error(`sequence failed: ${(error as Error).message}`)
            // A failed step may leave the server killed or stopped; the next sequence needs it.
            await servers.restart(false).catch(() => {})
            servers.resume()
            throw new Error(
              `${(error as Error).message}\nsteps run:\n  ${world.log.join('\n  ')}`,
              {
                cause: error,
              },
            )
          }
          summary.sequences++
          summary.steps += world.report.steps
          summary.faults += world.report.faults
          summary.checks += world.report.checks
          summary.strictChecks += world.report.strictChecks
          options.onSequence?.(world)
        },
      ),
      { numRuns: options.runs, seed, path: options.path },
    )
  } finally {
    await servers.stop()
  }
  return summary
}
