/*
 * Natives checked against the kernel source, not against the model's output:
 * - the BBML2_NOABORT allow-list's MIDR_REV_RANGE(model, variant, r_min, r_max)
 *   entries (arch/arm64/kernel/cpufeature.c; MIDR_RANGE(m, v, r_min, v, r_max) in
 *   arch/arm64/include/asm/cputype.h): the variant is fixed, the revision ranges;
 * - arm64_dma_phys_limit = max_zone_phys(unbounded) and ARCH_LOW_ADDRESS_LIMIT =
 *   arm64_dma_phys_limit - 1 (arch/arm64/mm/init.c, asm/processor.h); the default
 *   swiotlb pool from memblock_alloc_low() below it (kernel/dma/swiotlb.c
 *   swiotlb_memblock_alloc()); swiotlb_print_info()'s "(%luMB)";
 * - dma_atomic_pool_init()'s pools and sizes (kernel/dma/pool.c).
 */
import { describe, expect, it } from 'vitest'
import type { ScenarioInput } from '../../../src/core'
import { bootWith } from '../../helpers/boot'

// Each allow-list boundary is checked on the table itself in test/core/cpufeature/cputable.test.ts.
describe('MIDR_REV_RANGE: the variant is fixed, only the revision ranges', () => {
  it('a Neoverse-V3 r1p0 boot CPU lacks BBML2_NOABORT: rodata=full maps PTEs only and nothing is detected', async () => {
    const r = await bootWith(
      { name: 'v3-r1p0', kernel: '6.18.0', machine: { ram: [{ base: 0x40000000, size: '2G' }], cpus: [{ model: 'neoverse-v3', revision: 'r1p0', count: 2 }] } },
      '/* Builds on: series */\n',
    )
    expect(r.counters.pudBlocks + r.counters.pmdBlocks - 12).toBe(0)
    expect(r.console.some((l) => l.text.startsWith('CPU features: detected: BBM Level 2'))).toBe(false)
  })
})

const realmAt = (base: number, size: string, extra: Partial<ScenarioInput> = {}): ScenarioInput => ({
  name: 'placement',
  kernel: '6.18.0',
  machine: { ram: [{ base, size }], cpus: [{ model: 'neoverse-v3', revision: 'r0p2', count: 2 }], kernelImage: { base: base + 0x200000, size: '24M' } },
  realm: true,
  ...extra,
})

const PRINT_LIMIT = '/* Builds on: series */\nvoid __init mem_init(void)\n{\n\tpage_alloc_available = true;\n\tpr_info("limit=%lx", arm64_dma_phys_limit);\n\tswiotlb_update_mem_attributes();\n}\n'

describe('the swiotlb pool below ARCH_LOW_ADDRESS_LIMIT, the zones from the machine', () => {
  it('RAM from 1 GiB to 5 GiB: ZONE_DMA ends at 4 GiB, the pool ends one page below it', async () => {
    const r = await bootWith(realmAt(0x40000000, '4G'), PRINT_LIMIT)
    const text = r.console.map((l) => l.text)
    expect(text).toContain('limit=100000000')
    expect(text).toContain('  DMA      [mem 0x0000000040000000-0x00000000ffffffff]')
    expect(text).toContain('  DMA32    empty')
    expect(text).toContain('  Normal   [mem 0x0000000100000000-0x000000013fffffff]')
    // memblock_alloc_low(): top-down below 0xffffffff, page aligned: [4 GiB - 64 MiB - 4 KiB, 4 GiB - 4 KiB).
    expect(text).toContain('software IO TLB: mapped [mem 0x00000000fbfff000-0x00000000fffff000] (64MB)')
    // The three atomic pools; GFP_DMA and GFP_DMA32 ones below 4 GiB (ZONE_DMA32 is empty, it falls back to ZONE_DMA).
    const pools = r.calls.filter((c) => c.caller.startsWith('DMA atomic pool'))
    expect(pools.map((c) => c.caller)).toEqual(['DMA atomic pool (GFP_KERNEL)', 'DMA atomic pool (GFP_KERNEL|GFP_DMA)', 'DMA atomic pool (GFP_KERNEL|GFP_DMA32)'])
    expect(pools.slice(1).every((c) => c.pa + c.size <= 2 ** 32)).toBe(true)
    // 4 GiB of RAM: about 1,025,000 managed pages / 8192 = 125 pages, expanded to an order-7 pool: 512 KiB.
    expect(text.filter((t) => t.startsWith('DMA: preallocated'))).toEqual([
      'DMA: preallocated 512 KiB GFP_KERNEL pool for atomic allocations',
      'DMA: preallocated 512 KiB GFP_KERNEL|GFP_DMA pool for atomic allocations',
      'DMA: preallocated 512 KiB GFP_KERNEL|GFP_DMA32 pool for atomic allocations',
    ])
  })

  it('RAM starting above 4 GiB: ZONE_DMA spans all RAM, arm64_dma_phys_limit is its end, the pool sits at its top', async () => {
    const base = 0x8_0000_0000
    const r = await bootWith(realmAt(base, '4G'), PRINT_LIMIT)
    const text = r.console.map((l) => l.text)
    expect(text).toContain('limit=900000000')
    expect(text).toContain('  DMA      [mem 0x0000000800000000-0x00000008ffffffff]')
    expect(text).toContain('  DMA32    empty')
    expect(text).toContain('  Normal   empty')
    const pool = r.calls.find((c) => c.caller === 'swiotlb default pool')!
    // Below ARCH_LOW_ADDRESS_LIMIT = 0x8ffffffff and below the first page-table pages map_mem() took from the top.
    expect(pool.pa).toBeGreaterThan(base + 3 * 2 ** 30)
    expect(pool.pa + pool.size).toBeLessThan(0x9_0000_0000)
    expect(pool.size).toBe(64 * 2 ** 20)
    expect(r.verdict.status).toBe('booted')
  })

  it('a host whose RAM starts above 4 GiB needs no bounce pool: max_pfn is not above PFN_DOWN(arm64_dma_phys_limit)', async () => {
    const r = await bootWith(realmAt(0x8_0000_0000, '4G', { realm: false }), '/* Builds on: series */\n')
    expect(r.console.some((l) => l.text.startsWith('software IO TLB: mapped'))).toBe(false)
  })
})

describe('the early KFENCE pool', () => {
  it('arm64_kfence_alloc_pool() before the mapping: 2 MiB of PTEs (no CONT) in a block-mapped linear map, skipped by the split helper', async () => {
    const policy = `/* Builds on: series */
void __init mem_init(void)
{
	unsigned long pool = 0;
	unsigned long a;

	page_alloc_available = true;
	swiotlb_update_mem_attributes();
	for (a = PAGE_OFFSET; a < PAGE_OFFSET + 0x200000000; a += PMD_SIZE)
		if (!pool && is_kfence_address(a))
			pool = a;
	pr_info("kfence pool at %lx, split returns %d", pool, split_kernel_leaf_mapping(pool + PAGE_SIZE, pool + 2 * PAGE_SIZE));
}
`
    const r = await bootWith(realmAt(0x40000000, '4G', { cmdline: { kfence_early: true } }), policy)
    const line = r.console.find((l) => l.text.startsWith('kfence pool at'))!.text
    const m = /^kfence pool at ([0-9a-f]+), split returns 0$/.exec(line)!
    expect(m).not.toBeNull()
    const va = Number(BigInt(`0x${m[1]}`) & 0xffffffffffffn)
    const map = r.snapshots.find((s) => s.label === 'after map_mem')!.extents
    const inPool = map.filter((e) => e.va < va + 0x200000 && e.va + e.size > va)
    expect(inPool.every((e) => e.leaf === 'PTE')).toBe(true)
    expect(inPool.reduce((n, e) => n + e.size, 0)).toBe(0x200000)
    // The rest of RAM keeps its blocks (rodata=full with BBML2_NOABORT everywhere).
    expect(map.some((e) => e.leaf === 'CONT_PMD' || e.leaf === 'PUD')).toBe(true)
    expect(r.verdict.status).toBe('booted')
  })
})

describe('set_memory_decrypted()', () => {
  it('WARN_ON(!PAGE_ALIGNED(addr)) and return 0, sharing nothing (arch/arm64/mm/mem_encrypt.c)', async () => {
    const policy = `/* Builds on: series */
void __init mem_init(void)
{
	page_alloc_available = true;
	swiotlb_update_mem_attributes();
	pr_info("ret=%d", set_memory_decrypted(PAGE_OFFSET + 0x80000800, 1));
}
`
    const r = await bootWith('realm', policy, 'unaligned.c')
    const warn = r.splats.find((s) => s.kind === 'warn')!
    expect(warn.site).toMatchObject({ fn: 'set_memory_decrypted', file: 'arch/arm64/mm/mem_encrypt.c', origin: 'kernel' })
    expect(r.console[warn.lines[0] + 1].text).toMatch(/^WARNING: arch\/arm64\/mm\/mem_encrypt\.c:\d+ at set_memory_decrypted\+0x[0-9a-f]+\/0x[0-9a-f]+, CPU#0: swapper\/0$/)
    expect(r.console.map((l) => l.text)).toContain('ret=0')
    expect(r.calls.filter((c) => c.caller === 'swiotlb default pool')).toHaveLength(1)
  })
})
