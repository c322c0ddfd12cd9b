import type { CliIo, RunState } from '../context.js'

/** What the program hands each command when registering it. */
export interface CommandEnv {
  io: CliIo
  state: RunState
}
