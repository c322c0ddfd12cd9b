import type {
  CollectorError,
  CpuStats,
  DiskIoStats,
  FilesystemUsage,
  LoadStats,
  MemoryStats,
  NetworkStats,
} from './types.js'

/** The per-interval system figures; a `null` section failed and has an entry in `errors`. */
export interface SystemSample {
  cpu: CpuStats | null
  load: LoadStats | null
  memory: MemoryStats | null
  disk: DiskIoStats | null
  network: NetworkStats | null
}

/** A source of system figures: `/proc` on Linux, systeminformation elsewhere. */
export interface SystemSampler {
  readonly kind: 'proc' | 'systeminformation'
  /**
   * Reads the cheap figures. Rates and shares are against the previous call, so the first call
   * only sets the baseline (its figures are zero). Never rejects: failures go to `errors`.
   */
  sample(errors: CollectorError[]): Promise<SystemSample>
  /** Sizes of the watched filesystems; `null` when the list itself cannot be read. */
  filesystems(errors: CollectorError[]): Promise<FilesystemUsage[] | null>
  /** Releases open files. */
  close(): Promise<void>
}

/** The message of anything thrown, for a {@link CollectorError}. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
