/*
 * The default SWIOTLB pool (src/core/callers/swiotlb.ts) against kernel/dma/swiotlb.c:
 * swiotlb_init() → swiotlb_memblock_alloc() takes `swiotlb=` bytes (64 MiB by default) with
 * memblock_alloc_low(): top-down, page aligned, below ARCH_LOW_ADDRESS_LIMIT =
 * arm64_dma_phys_limit - 1; swiotlb_print_info() prints "mapped [mem %pa-%pa] (%luMB)"; in a
 * realm arm64 forces the pool and swiotlb_update_mem_attributes() shares all of it, from
 * arch_mm_preinit() (W0) before the fix and from mem_init() (W1) after it (kernel reference §1,
 * §7). 4 GiB of RAM at PA 1 GiB: ZONE_DMA ends at 4 GiB, the limit is 0xffffffff.
 */
import { describe, expect, it } from 'vitest'
import type { ScenarioInput } from '../../../src/core'
import { bootNamed, bootWith } from '../../helpers/boot'

const MiB = 2 ** 20
const realm = (swiotlb?: string): ScenarioInput => ({
  name: 'realm-swiotlb',
  kernel: '7.0.0-rc4',
  machine: { ram: [{ base: 0x4000_0000, size: '4G' }], cpus: [{ model: 'neoverse-v3', revision: 'r0p2', count: 4 }], kernelImage: { base: 0x4020_0000, size: '24M' } },
  realm: true,
  cmdline: swiotlb ? { rodata: 'full', swiotlb } : { rodata: 'full' },
})

describe('the default pool', () => {
  it('64 MiB, page aligned, its end one page under 4 GiB; shared whole in mem_init() (W1) by the series', async () => {
    const r = await bootNamed('realm', 'series')
    expect(r.console.map((l) => l.text)).toContain('software IO TLB: mapped [mem 0x00000000fbfff000-0x00000000fffff000] (64MB)')
    const pool = r.calls.filter((c) => c.caller === 'swiotlb default pool')
    expect(pool).toHaveLength(1)
    // VA offset = PA - PHYS_OFFSET (1 GiB).
    expect(pool[0]).toMatchObject({ fn: 'swiotlb_update_mem_attributes', window: 'W1', cpu: 0, pa: 0xfbff_f000, va: 0xbbff_f000, size: 64 * MiB, outcome: 'ok', ret: 0 })
  })

  it('unpatched: shared from arch_mm_preinit() (W0), where the split does nothing and the partial blocks give -EINVAL', async () => {
    const r = await bootNamed('realm', 'unpatched')
    expect(r.calls[0]).toMatchObject({ caller: 'swiotlb default pool', window: 'W0', pa: 0xfbff_f000, size: 64 * MiB, ret: -22 })
  })

  it('swiotlb=32M: a 32 MiB pool, still ending one page under 4 GiB', async () => {
    const r = await bootWith(realm('32M'), '/* Builds on: series */\n')
    expect(r.console.map((l) => l.text)).toContain('software IO TLB: mapped [mem 0x00000000fdfff000-0x00000000fffff000] (32MB)')
    expect(r.calls.find((c) => c.caller === 'swiotlb default pool')).toMatchObject({ pa: 0xfdff_f000, size: 32 * MiB })
  })
})
