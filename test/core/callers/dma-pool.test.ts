/*
 * DMA atomic pools (src/core/callers/dma-pool.ts) against kernel/dma/pool.c:
 * atomic_pool_size = max(totalram_pages() / (SZ_1G / SZ_128K), ...) capped at
 * MAX_ORDER_NR_PAGES (1024 pages with 4 KiB pages), at least SZ_128K; dma_atomic_pool_init()
 * (postcore initcall: W3) makes a GFP_KERNEL pool, a GFP_KERNEL|GFP_DMA one when ZONE_DMA has
 * managed pages, and a GFP_KERNEL|GFP_DMA32 one; atomic_pool_expand() allocates
 * 2^min(get_order(size), MAX_PAGE_ORDER) pages from the zone and shares them in a realm.
 */
import { describe, expect, it } from 'vitest'
import { atomicPoolSize } from '../../../src/core/callers/dma-pool'
import { bootNamed } from '../../helpers/boot'

const KiB = 1024

describe('atomic_pool_size', () => {
  it('128 KiB per GiB of managed RAM, at least 128 KiB, at most 1024 pages (4 MiB)', () => {
    expect(atomicPoolSize(0)).toBe(128 * KiB)
    expect(atomicPoolSize(262_144)).toBe(128 * KiB) // 1 GiB: 32 pages
    expect(atomicPoolSize(262_143)).toBe(128 * KiB) // just under: 31 pages, raised to the minimum
    expect(atomicPoolSize(1_048_576)).toBe(512 * KiB) // 4 GiB: 128 pages
    expect(atomicPoolSize(1_040_000)).toBe(126 * 4 * KiB) // 126 pages: not rounded here
    expect(atomicPoolSize(8_388_608)).toBe(4096 * KiB) // 32 GiB: exactly 1024 pages
    expect(atomicPoolSize(16_777_216)).toBe(4096 * KiB) // 64 GiB: 2048 pages, capped
  })
})

describe('the pools of a realm with 4 GiB at PA 1 GiB', () => {
  it('three pools in W3, each a power-of-two block of pages (126 pages -> order 7, 512 KiB), the DMA ones below 4 GiB', async () => {
    const r = await bootNamed('realm', 'series')
    const pools = r.calls.filter((c) => c.fn === 'atomic_pool_expand')
    expect(pools.map((c) => c.caller)).toEqual(['DMA atomic pool (GFP_KERNEL)', 'DMA atomic pool (GFP_KERNEL|GFP_DMA)', 'DMA atomic pool (GFP_KERNEL|GFP_DMA32)'])
    for (const p of pools) {
      expect(p).toMatchObject({ window: 'W3', size: 512 * KiB, outcome: 'ok', ret: 0 })
      expect(p.pa % (512 * KiB)).toBe(0)
    }
    // GFP_KERNEL may use ZONE_NORMAL (above 4 GiB); ZONE_DMA32 is empty here, so GFP_DMA32 falls back to ZONE_DMA.
    expect(pools[0].pa).toBeGreaterThanOrEqual(0x1_0000_0000)
    expect(pools[1].pa + pools[1].size).toBeLessThanOrEqual(0x1_0000_0000)
    expect(pools[2].pa + pools[2].size).toBeLessThanOrEqual(0x1_0000_0000)
    expect(r.console.map((l) => l.text).filter((t) => t.startsWith('DMA: preallocated'))).toHaveLength(3)
  })
})
