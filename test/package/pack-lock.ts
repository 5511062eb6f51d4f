/*
 * `npm pack` runs the prepack build, which rewrites out/ in the checkout: two
 * test files packing at once (vitest runs files in parallel) would build over
 * each other. Each pack holds this lock (a folder created atomically); a lock
 * older than the longest pack is taken to be left over from a killed run.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const LOCK = join(tmpdir(), 'bootlab-npm-pack.lock')
const STALE_MS = 10 * 60_000

export async function withPackLock<T>(pack: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK)
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const age = Date.now() - (statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (age > STALE_MS) rmSync(LOCK, { recursive: true, force: true })
      else await new Promise((r) => setTimeout(r, 500))
    }
  }
  try {
    return await pack()
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}
