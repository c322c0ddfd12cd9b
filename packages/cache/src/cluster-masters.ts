import type { Cluster, Redis } from 'ioredis'

/**
 * The connection to every master that owns slots, for commands that must reach all of them (a
 * SCAN for a pattern clear). Throws when an owner has no connection in the pool.
 *
 * ioredis drops a cluster node's connection from its pool when it ends (a killed master) and
 * adds it back only on the next slot refresh, so `cluster.nodes('master')` can silently lack a
 * master that owns slots again: a clear that scanned only the pooled ones would report success
 * and leave that master's keys. The error's message is one the cache treats as "node
 * unavailable", so the clear is journaled and replayed once the pool is whole again.
 *
 * @example
 * for (const node of slotOwners(cluster)) await node.scan('0', 'MATCH', pattern)
 */
export function slotOwners(cluster: Cluster): Redis[] {
  const pooled = new Map<string, Redis>()
  for (const node of cluster.nodes('master')) {
    pooled.set(`${node.options.host}:${node.options.port}`, node)
  }
  // Before the first slot map (start-up) there is nothing better than the pool.
  if (cluster.slots.length === 0) return [...pooled.values()]
  const owners = new Set<string>()
  for (let slot = 0; slot < cluster.slots.length; slot++) {
    const owner = cluster.slots[slot]?.[0]
    if (owner === undefined) throw new Error(`CLUSTERDOWN slot ${slot} has no known owner`)
    owners.add(owner)
  }
  const missing = [...owners].filter((owner) => !pooled.has(owner))
  if (missing.length > 0) {
    cluster.refreshSlotsCache()
    throw new Error(`Connection is closed: master ${missing.join(', ')} is not connected yet`)
  }
  return [...owners].map((owner) => pooled.get(owner)!)
}
