import type { DemoWorkload } from './workload.js'

// The route and the task handler find the workload of their optimizer here: main starts the
// workload after building the app, and the app's route dependencies do not carry it.
const workloads = new WeakMap<object, DemoWorkload>()

/** The demo workload running on `optimizer`, if any. */
export function findDemoWorkload(optimizer: object): DemoWorkload | undefined {
  return workloads.get(optimizer)
}

/** Makes `workload` the one of `optimizer` (a later start replaces an earlier one). */
export function registerDemoWorkload(optimizer: object, workload: DemoWorkload): void {
  workloads.set(optimizer, workload)
}

/** Forgets `workload` unless another one replaced it already. */
export function unregisterDemoWorkload(optimizer: object, workload: DemoWorkload): void {
  if (workloads.get(optimizer) === workload) workloads.delete(optimizer)
}
