/*
 * The buddy allocator (src/core/buddy/buddy.ts) on literal free memory. mm/page_alloc.c hands
 * out naturally aligned blocks of 2^order pages; a GFP zone bounds where the block may come
 * from (ZONE_DMA / ZONE_DMA32 end); an order no free block satisfies fails. The model takes
 * the highest fitting block. The gate before memblock_free_all() is in
 * test/core/boot/invariants.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { Buddy } from '../../../src/core/buddy/buddy'

/** 4 MiB of free memory at 1 GiB: 1024 pages. */
const fresh = () => new Buddy([{ start: 0x4000_0000, end: 0x4040_0000 }])

describe('orders', () => {
  it('a block of 2^order pages, naturally aligned, from the top', () => {
    const b = fresh()
    expect(b.totalPages).toBe(1024)
    expect(b.allocPages(0)).toBe(0x403f_f000)
    // The upper 2 MiB lost a page: the only free order-9 block left is the lower one.
    expect(b.allocPages(9)).toBe(0x4000_0000)
    // Order 4 (64 KiB): [0x403f0000, 0x40400000) holds the first page, so the next one down.
    expect(b.allocPages(4)).toBe(0x403e_0000)
    expect(b.allocatedPages).toBe(1 + 512 + 16)
    expect(b.freePages()).toBe(1024 - 529)
  })

  it('no free block of the order left: null, even with enough free pages in total', () => {
    const b = fresh()
    b.allocPages(0) // top page
    b.allocPages(9) // lower 2 MiB
    expect(b.freePages()).toBe(511)
    expect(b.allocPages(9)).toBeNull()
    expect(b.allocPages(8)).toBe(0x4020_0000)
  })
})

describe('the zone limit', () => {
  it('the block ends at or below the zone end', () => {
    const b = fresh()
    expect(b.allocPages(0, 0x4030_0000)).toBe(0x402f_f000)
    expect(b.allocPages(4, 0x4030_0000)).toBe(0x402e_0000)
  })

  it('a zone below all free memory gives nothing', () => {
    expect(fresh().allocPages(0, 0x4000_0000)).toBeNull()
  })
})

describe('exhaustion and bulk runs', () => {
  it('order-0 allocations succeed exactly totalPages times, then fail', () => {
    const b = new Buddy([{ start: 0x4000_0000, end: 0x4001_0000 }, { start: 0x5000_0000, end: 0x5000_4000 }])
    const got: number[] = []
    for (let pa = b.allocPages(0); pa !== null; pa = b.allocPages(0)) got.push(pa)
    expect(got).toHaveLength(16 + 4)
    expect(got.slice(0, 5)).toEqual([0x5000_3000, 0x5000_2000, 0x5000_1000, 0x5000_0000, 0x4000_f000])
    expect(b.freePages()).toBe(0)
  })

  it('allocRun(n): n consecutive pages, page aligned, from the highest gap that holds them', () => {
    const b = fresh()
    b.allocPages(0) // 0x403ff000
    expect(b.allocRun(3)).toBe(0x403f_c000)
    expect(b.allocRun(1024)).toBeNull()
    expect(b.allocatedPages).toBe(4)
  })
})
