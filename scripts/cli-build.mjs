/*
 * Is the built command line (out/cli) current? Rebuild it when it is missing or older than
 * any file it is built from. Used by `npm run boot` (scripts/boot.mjs) and `npm run bench`.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const CLI_BUNDLE = join(ROOT, 'out', 'cli', 'bootlab.mjs')
export const CLI_BIN = join(ROOT, 'bin', 'bootlab.mjs')
/** What the bundle is built from: the sources and the build's own configuration. */
const INPUTS = ['src', 'vite.cli.config.ts', 'vite.renderer.config.ts', 'package.json']

function newestMtime(path) {
  const s = statSync(path, { throwIfNoEntry: false })
  if (!s) return 0
  if (!s.isDirectory()) return s.mtimeMs
  let newest = s.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/** Builds out/cli when stale (messages to stderr); returns false when the build failed. */
export function ensureCliBuilt() {
  const built = statSync(CLI_BUNDLE, { throwIfNoEntry: false })?.mtimeMs ?? 0
  if (built >= Math.max(...INPUTS.map((p) => newestMtime(join(ROOT, p))))) return true
  process.stderr.write(`bootlab: ${built ? 'out/cli is older than the sources' : 'the command line is not built yet'}; building it (npm run build:cli)\n`)
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const r = spawnSync(npm, ['run', '--silent', 'build:cli'], { cwd: ROOT, stdio: ['ignore', 2, 2] })
  return r.status === 0
}
