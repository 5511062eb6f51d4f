/*
 * What the bundled command line makes from input files (the base kernel and the kernel states
 * compiled, a bundled scenario validated, a lab folder loaded), kept on disk so a later process
 * reads it with one v8.deserialize() instead of making it again. An entry is keyed by the content
 * hash of the code that made it and of every input text, so an edited file or another build is
 * another entry; a damaged entry reads as a miss; a read-only cache is no error. Entries of older
 * builds and edited files are never read again: past MAX_ENTRIES the least recently used are
 * removed when a new one is written.
 *
 * The code is named by the bundle's chunks: the bundler names each chunk of out/cli/assets by the
 * hash of its content, so the sorted chunk names change whenever any of the code does; the C
 * parser's two wasm files, left outside the bundle, by their size and time (a reinstall of them
 * starts the cache again). Should this module ever not sit in out/cli/assets (running from
 * source, or a bundle laid out otherwise), the code cannot be named that cheaply and the disk
 * cache is off (in-process caches still apply); tests name a compiler with setCompilerIdentity().
 */
import { createHash, randomUUID } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deserialize, serialize } from 'node:v8'

/** Bumped when an entry's layout changes. */
const CACHE_FORMAT = 2

/** Entries kept: a build writes about a dozen (the base, the kernel states, scenarios and labs it read). */
export const MAX_ENTRIES = 256

/** The bundle's identity, or null when running from source; undefined until first asked. */
let codeIdentity: string | null | undefined

function bundleIdentity(): string | null {
  if (codeIdentity !== undefined) return codeIdentity
  codeIdentity = null
  const self = fileURLToPath(import.meta.url)
  if (!/\.m?js$/.test(self) || basename(dirname(self)) !== 'assets' || process.env.BOOTLAB_COMPILE_CACHE === '0') return codeIdentity
  try {
    const chunks = readdirSync(dirname(self))
      .filter((name) => /\.m?js$/.test(name))
      .sort()
    const require = createRequire(import.meta.url)
    const parser = ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-c/tree-sitter-c.wasm'].map((wasm) => {
      const file = statSync(require.resolve(wasm))
      return `${wasm}:${file.size}:${file.mtimeMs}`
    })
    codeIdentity = createHash('sha256').update([...chunks, ...parser].join('\0')).digest('hex')
  } catch {
    codeIdentity = null
  }
  return codeIdentity
}

/** Names the compiler when the process cannot (running from source): tests use it; null turns the disk cache off. */
export function setCompilerIdentity(identity: string | null): void {
  codeIdentity = identity
}

export function compileCacheDir(): string {
  return process.env.BOOTLAB_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bootlab')
}

/** The key of what `kind` makes from `texts` (each with the name it was read by), or null when the code cannot be named. */
export function cacheKey(kind: string, texts: readonly { file: string; text: string }[]): string | null {
  const code = bundleIdentity()
  if (!code) return null
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0${code}\0${kind}\0`)
  // Each part after its length: a text holding NULs cannot pass for two other files.
  for (const t of texts) hash.update(`${t.file.length}:${t.file}${t.text.length}:${t.text}`)
  return hash.digest('hex')
}

/** The entry for `key` if it is there and `valid` accepts it, else null. */
export function readCached<T>(key: string, valid: (value: unknown) => value is T): T | null {
  const file = join(compileCacheDir(), `${key}.v8`)
  let value: unknown
  try {
    value = deserialize(readFileSync(file))
  } catch {
    return null
  }
  if (!valid(value)) return null
  // Marked used: pruning goes by this time, so the base kernel every grade reads outlives the entries of a lab being edited.
  try {
    const now = new Date()
    utimesSync(file, now, now)
  } catch {
    // A read-only cache still serves.
  }
  return value
}

/**
 * Written whole under a name of its own (the class grader's worker threads share a pid), then
 * renamed: a reader never sees half a file.
 */
export function writeCached(key: string, value: unknown): void {
  const dir = compileCacheDir()
  const tmp = join(dir, `${key}.${randomUUID()}.tmp`)
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(tmp, serialize(value))
    renameSync(tmp, join(dir, `${key}.v8`))
    prune(dir)
  } catch {
    // The next process makes it again.
    rmSync(tmp, { force: true })
  }
}

/** Past MAX_ENTRIES, the least recently used (written or read) go, down to three quarters of it; a temporary file left by a crash goes after an hour. */
function prune(dir: string): void {
  const all = readdirSync(dir)
  const hourAgo = Date.now() - 3_600_000
  for (const name of all.filter((n) => n.endsWith('.tmp'))) {
    if ((statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < hourAgo) rmSync(join(dir, name), { force: true })
  }
  const names = all.filter((name) => name.endsWith('.v8'))
  if (names.length <= MAX_ENTRIES) return
  const byAge = names.map((name) => ({ name, mtime: statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 })).sort((a, b) => a.mtime - b.mtime)
  for (const { name } of byAge.slice(0, names.length - Math.floor((MAX_ENTRIES * 3) / 4))) rmSync(join(dir, name), { force: true })
}
