// The worker thread that owns PGlite: statements arrive on the parent port and run here, so
// the WebAssembly never blocks the event loop of the thread that serves requests.
import { parentPort, workerData } from 'node:worker_threads'
import type { PGlite } from '@electric-sql/pglite'
import { openPglite } from './pglite-engine.js'
import {
  serializeError,
  type FromWorker,
  type ToWorker,
  type WorkerSettings,
} from './pglite-worker-protocol.js'

const port = parentPort!
const send = (message: FromWorker) => port.postMessage(message)

let db: PGlite | undefined
try {
  const settings = workerData as WorkerSettings
  db = await openPglite(settings, settings.artifacts)
  send({ type: 'ready' })
} catch (error) {
  send({ type: 'start-failed', error: serializeError(error) })
}

// PGlite queues statements itself (one session, first come first served), so messages are
// handed over as they arrive; the answers carry the id of the call they settle.
port.on('message', (message: ToWorker) => {
  if (message.type === 'close') {
    const closing = db !== undefined && !db.closed ? db.close() : Promise.resolve()
    void closing.then(
      () => send({ type: 'closed', id: message.id }),
      () => send({ type: 'closed', id: message.id }),
    )
    return
  }
  if (db === undefined) return
  db.query(message.sql, message.parameters as unknown[]).then(
    (result) => {
      const answer: FromWorker = {
        type: 'result',
        id: message.id,
        result: { rows: result.rows, affectedRows: result.affectedRows ?? null },
      }
      try {
        send(answer)
      } catch (error) {
        // A row value that cannot be cloned (none of PGlite's parsers make one, a custom one
        // could) fails this call, not the worker.
        send({ type: 'error', id: message.id, error: serializeError(error) })
      }
    },
    (error: unknown) => send({ type: 'error', id: message.id, error: serializeError(error) }),
  )
})
