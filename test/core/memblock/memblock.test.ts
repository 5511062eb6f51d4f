/*
 * memblock (src/core/memblock/memblock.ts) on literal layouts. mm/memblock.c allocates
 * top-down by default (memblock_find_in_range_node() → __memblock_find_range_top_down():
 * the highest aligned base whose block fits in a free gap, below `end`); memblock_alloc_low()
 * passes ARCH_LOW_ADDRESS_LIMIT as that end; a reservation merges with its neighbours in
 * memblock.reserved; memblock_free_all() releases memory minus reserved. The gate after the
 * hand-over is in test/core/boot/invariants.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { Memblock } from '../../../src/core/memblock/memblock'

const GiB = 2 ** 30

function oneGiB(): Memblock {
  const m = new Memblock()
  m.addMemory(0x4000_0000, GiB) // [1 GiB, 2 GiB)
  return m
}

describe('top-down placement', () => {
  it('each allocation takes the highest aligned block below the previous ones', () => {
    const m = oneGiB()
    expect(m.alloc(0x1000, 0x1000, 'a')).toBe(0x7fff_f000)
    // 64 KiB aligned, below 0x7ffff000: 0x7ffef000 rounded down to 64 KiB.
    expect(m.alloc(0x1_0000, 0x1_0000, 'b')).toBe(0x7ffe_0000)
    // 2 MiB aligned, ending at or below 0x7ffe0000.
    expect(m.alloc(0x20_0000, 0x20_0000, 'c')).toBe(0x7fc0_0000)
    // A page fits in the highest gap left by alignment, [0x7fff0000, 0x7ffff000): it goes there.
    expect(m.alloc(0x1000, 0x1000, 'd')).toBe(0x7fff_e000)
  })

  it('with two RAM regions the upper one is used first, the lower one when only it fits', () => {
    const m = new Memblock()
    m.addMemory(0x4000_0000, GiB)
    m.addMemory(0x1_0000_0000, GiB)
    expect(m.alloc(0x20_0000, 0x20_0000, 'top')).toBe(0x1_3fe0_0000)
    // 1 GiB aligned to 1 GiB no longer fits in the upper region.
    expect(m.alloc(GiB, GiB, 'big')).toBe(0x4000_0000)
    expect([m.start(), m.end()]).toEqual([0x4000_0000, 0x1_4000_0000])
  })
})

describe('reservations', () => {
  it('are kept in order with their names and merged in memblock.reserved; free() is memory minus reserved', () => {
    const m = oneGiB()
    m.reserve(0x4020_0000, 0x180_0000, 'kernel') // [0x40200000, 0x41a00000)
    m.alloc(0x1000, 0x1000, 'pgtable')
    m.alloc(0x1000, 0x1000, 'pgtable')
    expect(m.reservations).toEqual([
      { start: 0x4020_0000, end: 0x41a0_0000, name: 'kernel' },
      { start: 0x7fff_f000, end: 0x8000_0000, name: 'pgtable' },
      { start: 0x7fff_e000, end: 0x7fff_f000, name: 'pgtable' },
    ])
    expect(m.reserved).toEqual([
      { start: 0x4020_0000, end: 0x41a0_0000 },
      { start: 0x7fff_e000, end: 0x8000_0000 },
    ])
    expect(m.free()).toEqual([
      { start: 0x4000_0000, end: 0x4020_0000 },
      { start: 0x41a0_0000, end: 0x7fff_e000 },
    ])
  })

  it('an allocation never overlaps a reservation: below a reserved top it goes under it', () => {
    const m = oneGiB()
    m.reserve(0x7000_0000, 0x1000_0000, 'top 256 MiB')
    expect(m.alloc(0x40_0000, 0x1000, 'x')).toBe(0x6fc0_0000)
  })
})

describe('limits (memblock_alloc_low) and exhaustion', () => {
  it('nothing at or above the limit; the block ends at the limit when it is aligned', () => {
    const m = oneGiB()
    expect(m.alloc(0x1000, 0x1000, 'low', 0x6000_0000)).toBe(0x5fff_f000)
  })

  it('ARCH_LOW_ADDRESS_LIMIT is arm64_dma_phys_limit - 1: a page-aligned block below it ends a page under 4 GiB', () => {
    const m = new Memblock()
    m.addMemory(0x4000_0000, 4 * GiB) // [1 GiB, 5 GiB)
    expect(m.alloc(0x400_0000, 0x1000, 'swiotlb', 0xffff_ffff)).toBe(0xfbff_f000)
    // Without a limit, the top of RAM.
    expect(m.alloc(0x400_0000, 0x1000, 'other')).toBe(0x1_3c00_0000)
  })

  it('null when nothing fits below the limit, or at all', () => {
    const m = oneGiB()
    m.reserve(0x4000_0000, 0x100_0000, 'kernel') // [1 GiB, 1 GiB + 16 MiB)
    expect(m.alloc(0x1000, 0x1000, 'low', 0x4100_0000)).toBeNull()
    expect(m.alloc(0x1000, 0x1000, 'low', 0x4100_1000)).toBe(0x4100_0000)
    expect(m.alloc(2 * GiB, 0x1000, 'huge')).toBeNull()
    // A failed allocation reserves nothing.
    expect(m.reservations.map((r) => r.name)).toEqual(['kernel', 'low'])
  })
})
