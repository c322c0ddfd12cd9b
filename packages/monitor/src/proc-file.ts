import { closeSync, openSync, readSync } from 'node:fs'

/**
 * A `/proc` file kept open and re-read from offset 0: the kernel regenerates the text on every
 * read at offset 0. The read is synchronous on purpose. `/proc` text is generated in memory by
 * the kernel and never waits for a device, so a read takes microseconds (about 20–130 µs each on
 * the benchmark VM, `/proc/stat` the largest), while an asynchronous read wakes a libuv pool
 * thread and then the loop again for each file: reading synchronously cut the collection's own
 * CPU by about a quarter (see the README's benchmarks). Never use it for files on real
 * filesystems, whose reads can wait for a device.
 */
export class ProcFile {
  readonly path: string
  #fd: number | undefined
  #buffer: Buffer

  constructor(path: string, initialSize = 16 * 1024) {
    this.path = path
    this.#buffer = Buffer.allocUnsafe(initialSize)
  }

  /** The file's current text. A failed read closes the file; the next read reopens it. */
  read(): string {
    try {
      this.#fd ??= openSync(this.path, 'r')
      for (;;) {
        const bytesRead = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, 0)
        // A full buffer may mean a cut text: grow (kept for later reads) and read again.
        if (bytesRead < this.#buffer.length) return this.#buffer.toString('latin1', 0, bytesRead)
        this.#buffer = Buffer.allocUnsafe(this.#buffer.length * 2)
      }
    } catch (error) {
      this.close()
      throw error
    }
  }

  /** Closes the file; idempotent. A later `read()` opens it again. */
  close(): void {
    const fd = this.#fd
    this.#fd = undefined
    if (fd === undefined) return
    try {
      closeSync(fd)
    } catch {
      // Already gone: nothing left to release.
    }
  }
}
