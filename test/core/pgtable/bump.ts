// A bump allocator for the tests: consecutive table pages from `base`, at most `limit` of them.
import { phys } from '../../../src/core/memory/addr'
import type { PgtableAlloc, PgtableType } from '../../../src/core/pgtable'

export interface Bump {
  alloc: PgtableAlloc
  /** Every call made: type, count, and whether it was granted. */
  calls: { type: PgtableType; count: number; ok: boolean }[]
  next(): number
}

export function bump(base: number, limit = Infinity, source: 'memblock' | 'buddy' = 'memblock'): Bump {
  let next = base
  let used = 0
  const calls: Bump['calls'] = []
  const alloc: PgtableAlloc = (type, count) => {
    const ok = used + count <= limit
    calls.push({ type, count, ok })
    if (!ok) return null
    const pa = next
    next += count * 0x1000
    used += count
    return { pa: phys(pa), source }
  }
  return { alloc, calls, next: () => next }
}
