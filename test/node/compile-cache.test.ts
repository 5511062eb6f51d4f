/*
 * The disk cache's own rules (src/node/compile-cache.ts): nothing is kept when the code cannot be
 * named; a key names the code, the kind and every text; the cache stays bounded, the least
 * recently used entries going first.
 */
import { utimesSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cacheKey, MAX_ENTRIES, readCached, setCompilerIdentity, writeCached } from '../../src/node/compile-cache'
import { useCacheDir } from '../helpers/cache-dir'

const { dir, entries } = useCacheDir('compile-cache-rules')
const isNumber = (v: unknown): v is number => typeof v === 'number'

describe('the compile cache', () => {
  it('has no key when the code cannot be named (running from source)', () => {
    setCompilerIdentity(null)
    expect(cacheKey('scenario', [{ file: 'a', text: 'x' }])).toBeNull()
  })

  it('keys by the code, the kind, and each file and text', () => {
    setCompilerIdentity('one')
    const key = cacheKey('scenario', [{ file: 'a', text: 'x' }])
    expect(cacheKey('scenario', [{ file: 'a', text: 'x' }])).toBe(key)
    for (const other of [cacheKey('lab', [{ file: 'a', text: 'x' }]), cacheKey('scenario', [{ file: 'b', text: 'x' }]), cacheKey('scenario', [{ file: 'a', text: 'y' }]), cacheKey('scenario', [{ file: 'a', text: 'x' }, { file: 'c', text: '' }])]) expect(other).not.toBe(key)
    setCompilerIdentity('two')
    expect(cacheKey('scenario', [{ file: 'a', text: 'x' }])).not.toBe(key)
  })

  it('keeps at most MAX_ENTRIES, removing the least recently used first', () => {
    setCompilerIdentity('one')
    const keys = Array.from({ length: MAX_ENTRIES }, (_, i) => cacheKey('n', [{ file: 'n', text: String(i) }])!)
    keys.forEach((key, i) => {
      writeCached(key, i)
      // Written i seconds after the epoch of this test: the order of age is the order of writing.
      utimesSync(join(dir, `${key}.v8`), 1_000_000 + i, 1_000_000 + i)
    })
    expect(entries()).toHaveLength(MAX_ENTRIES)
    // The oldest written, read now: the least recently used no more.
    expect(readCached(keys[0], isNumber)).toBe(0)
    const newest = cacheKey('n', [{ file: 'n', text: 'newest' }])!
    writeCached(newest, -1)
    const kept = entries()
    expect(kept.length).toBe(Math.floor((MAX_ENTRIES * 3) / 4))
    expect(readCached(newest, isNumber)).toBe(-1)
    expect(readCached(keys[MAX_ENTRIES - 1], isNumber)).toBe(MAX_ENTRIES - 1)
    expect(readCached(keys[0], isNumber)).toBe(0)
    expect(readCached(keys[1], isNumber)).toBeNull()
    // keys[0] and the newest kept, and the most recently written of the rest.
    const survivors = keys.slice(1).map((key) => readCached(key, isNumber)).filter((v) => v !== null)
    expect(survivors).toHaveLength(kept.length - 2)
    expect(Math.min(...(survivors as number[]))).toBe(MAX_ENTRIES - survivors.length)
  })
})
