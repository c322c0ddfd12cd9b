import { spawnSync } from 'node:child_process'

/**
 * wrk on the PATH. Missing, it is installed from Debian when we are root (as CI installs
 * Chromium); otherwise it throws with the command to run. Shared by the HTTP edge test and
 * bench/http.ts.
 *
 * @example
 * spawnSync(ensureWrk(), ['-c10', '-d5s', url])
 */
export function ensureWrk(): string {
  const found = spawnSync('wrk', ['-v'], { encoding: 'utf8' })
  if (!found.error) return 'wrk'
  const root = process.getuid?.() === 0
  const aptGet = spawnSync('apt-get', ['--version'], { encoding: 'utf8' })
  if (!root || aptGet.error) {
    throw new Error(
      'wrk not found: run `sudo apt-get install -y wrk` (Debian); the HTTP edge test and the API bench drive it',
    )
  }
  let install = spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], {
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (install.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', timeout: 120_000 })
    install = spawnSync('apt-get', ['install', '-y', '-qq', 'wrk'], {
      encoding: 'utf8',
      timeout: 120_000,
    })
  }
  if (install.status !== 0) throw new Error(`apt-get install wrk failed: ${install.stderr}`)
  return 'wrk'
}
