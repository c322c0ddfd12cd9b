import { Queue } from 'bullmq'
import { Redis } from 'ioredis'

/**
 * Removes every key of a BullMQ queue a benchmark round created, through a connection of its
 * own: the round's task queue is closed by then.
 *
 * @example
 * await tasks.close()
 * await obliterateQueue(redisUrl, prefix, name)
 */
export async function obliterateQueue(redisUrl: string, prefix: string, name: string) {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const queue = new Queue(name, { connection, prefix })
  await queue.obliterate({ force: true })
  await queue.close()
  await connection.quit()
}
