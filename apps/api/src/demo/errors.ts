import { ApiError } from '../errors.js'

/**
 * A demo workload was asked for a dashboard or a refresh while it is not `ready` (still seeding,
 * absent, failed or closed). The route checks the state first and answers 503 or 404 instead.
 */
export class DemoNotReadyError extends ApiError {
  override name = 'DemoNotReadyError'
  /** The state the workload was in. */
  readonly state: string

  constructor(state: string) {
    super(
      'E_DEMO_NOT_READY',
      `The demo workload is ${state}; dashboards and refreshes need it ready`,
    )
    this.state = state
  }
}
