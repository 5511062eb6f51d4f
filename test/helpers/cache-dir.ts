/*
 * A disk cache of its own for one test file (src/node/compile-cache.ts): BOOTLAB_CACHE_DIR points
 * at a fresh folder and the code is named, as the bundled command line names itself; afterwards
 * the folder goes and the variable is restored. Call it at the top of the file, before its own
 * hooks.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { setCompilerIdentity } from '../../src/node/compile-cache'

export interface CacheDirOptions {
  /** The code's name for the file's tests (default 'code-under-test'). */
  identity?: string
  /** Each test starts from an empty cache with that name. */
  emptyEachTest?: boolean
}

export function useCacheDir(name: string, { identity = 'code-under-test', emptyEachTest = false }: CacheDirOptions = {}): { dir: string; entries: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), `bootlab-${name}-`))
  const previous = process.env.BOOTLAB_CACHE_DIR
  const entries = () => readdirSync(dir).filter((f) => f.endsWith('.v8'))
  beforeAll(() => {
    process.env.BOOTLAB_CACHE_DIR = dir
    setCompilerIdentity(identity)
  })
  if (emptyEachTest) {
    beforeEach(() => {
      setCompilerIdentity(identity)
      for (const e of entries()) rmSync(join(dir, e))
    })
  }
  afterAll(() => {
    setCompilerIdentity(null)
    rmSync(dir, { recursive: true, force: true })
    if (previous === undefined) delete process.env.BOOTLAB_CACHE_DIR
    else process.env.BOOTLAB_CACHE_DIR = previous
  })
  return { dir, entries }
}
