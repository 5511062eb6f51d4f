/*
 * The scenario table: realm / non-realm × rodata full / off × debug_pagealloc ×
 * boot-CPU BBML2 × secondaries all / some / none × the five kernel states.
 *
 * Every expectation is worked out from the kernel reference, not read off the
 * model: the windows of §1, the mapping rules of §2, the split checks of §4
 * (before/after the fix), the pageattr coverage rule of §5, the 2/3 leaf test of
 * §6, the callers of §7. Layout used for the counts: 4 GiB of RAM at PA 1 GiB,
 * so VA [0, 4 GiB); the kernel alias [_text, __init_begin) is VA [2 MiB, 26 MiB).
 */
import { describe, expect, it } from 'vitest'
import { bootNamed, leafKindsOutsideImage, warnSites } from '../../helpers/boot'

const FAILED_DECRYPT_POOL = 'realm_set_memory_decrypted: Failed to decrypt memory, 16384 pages will be leaked'
const FAILED_DECRYPT_ITS = 'realm_set_memory_decrypted: Failed to decrypt memory, 16 pages will be leaked'

describe('non-realm hosts', () => {
  it('host (all CPUs BBML2_NOABORT, rodata=full) × unpatched: blocks and cont runs kept, clean boot', async () => {
    const r = await bootNamed('host', 'unpatched')
    expect(r.verdict.status).toBe('booted')
    expect(warnSites(r)).toEqual([])
    // GiB 1..3 are PUD blocks; GiB 0 (which holds the kernel alias hole) is a PMD table:
    // [0,2M) 1 block, [26M,32M) 3 blocks, [32M,1G) 31 CONT_PMD runs = 496 blocks, alias 12 blocks.
    expect(r.counters.pudBlocks).toBe(3)
    expect(r.counters.pmdBlocks).toBe(512)
    expect(r.counters.contPmdRuns).toBe(31)
    expect(r.counters.ptes).toBe(0)
    expect(r.counters.pudTables).toBe(1)
    expect(r.counters.pmdTables).toBe(1)
    expect(r.counters.tablePagesByAllocator).toEqual({ memblock: 2, buddy: 0 })
    expect(r.counters.repaint.happened).toBe(false)
  })

  it('host-mixed (a secondary lacks BBML2_NOABORT) × unpatched: caps finalization repaints everything but the alias to PTEs', async () => {
    const r = await bootNamed('host-mixed', 'unpatched')
    expect(r.verdict.status).toBe('booted')
    expect(r.counters.repaint.happened).toBe(true)
    // 4096 MiB of 2 MiB regions = 2048, minus the 12 alias blocks = 2036 PTE tables, plus the
    // alias's first block: linear_map_split_to_ptes() keeps only [lm_alias(_stext),
    // lm_alias(__init_begin)), and _stext is 64 KiB (SEGMENT_ALIGN) after _text, so the block
    // holding [_text, _stext) is split too: 2037 PTE tables, 11 alias blocks left.
    // One PMD table per GiB; 3 new PMD tables + 2037 PTE tables allocated by the repaint.
    expect(r.counters.pteTables).toBe(2037)
    expect(r.counters.pmdTables).toBe(4)
    expect(r.counters.ptes).toBe(2037 * 512)
    expect(r.counters.pudBlocks).toBe(0)
    expect(r.counters.pmdBlocks).toBe(11)
    expect(r.counters.contPmdRuns).toBe(0)
    expect(r.counters.repaint.tablesAllocated).toBe(2040)
    expect(r.counters.tablePagesByAllocator).toEqual({ memblock: 2, buddy: 2040 })
    expect(leafKindsOutsideImage(r)).toEqual(['PTE'])
    const repaintStep = r.steps.find((s) => s.fn === 'linear_map_maybe_split_to_ptes')!
    expect(repaintStep.capsFinalized).toBe(true)
    expect(repaintStep.onlineCpus).toBe(4)
  })

  it('host-no-bbml2 (boot CPU lacks it, rodata=full) × unpatched: PTE-only from map_mem, no repaint', async () => {
    const r = await bootNamed('host-no-bbml2', 'unpatched')
    expect(r.verdict.status).toBe('booted')
    expect(r.counters.repaint.happened).toBe(false)
    expect(r.counters.pteTables).toBe(2036)
    expect(r.counters.pmdTables).toBe(4)
    expect(r.counters.pmdBlocks).toBe(12)
    expect(r.counters.tablePagesByAllocator).toEqual({ memblock: 1 + 4 + 2036, buddy: 0 })
  })

  it('host-debug-pagealloc × series: debug_pagealloc forces PTEs even with BBML2_NOABORT everywhere', async () => {
    const r = await bootNamed('host-debug-pagealloc', 'series')
    expect(r.verdict.status).toBe('booted')
    expect(r.counters.pudBlocks).toBe(0)
    expect(r.counters.ptes).toBe(2036 * 512)
    expect(r.counters.repaint.happened).toBe(false)
  })

  it('host × series: no realm, so set_memory_decrypted() never splits anything', async () => {
    const r = await bootNamed('host', 'series')
    expect(r.verdict.status).toBe('booted')
    expect(r.counters.splits).toEqual({ pud: 0, contPmd: 0, pmd: 0, contPte: 0 })
    expect(r.calls.every((c) => c.outcome === 'skipped')).toBe(true)
  })
})

describe('realm guests, rodata=full, every CPU with BBML2_NOABORT', () => {
  it('unpatched: swiotlb in arch_mm_preinit (W0) cannot split → WARN at the PUD callback, pool stays private, root mount fails', async () => {
    const r = await bootNamed('realm', 'unpatched')
    expect(r.verdict.status).toBe('failed')
    // The 64 MiB pool lies inside the 1 GiB PUD block of GiB 3: pageattr_pud_entry sees a partial block.
    // Its WARN_ON_ONCE fires once; the ITS command queue in the same block fails silently there,
    // but "Failed to decrypt memory" is a plain WARN and fires for each caller.
    expect(warnSites(r)).toEqual(['pageattr_pud_entry', FAILED_DECRYPT_POOL, FAILED_DECRYPT_ITS])
    const pool = r.calls.find((c) => c.fn === 'swiotlb_update_mem_attributes')!
    expect(pool.window).toBe('W0')
    expect(pool.ret).toBe(-22)
    expect(r.calls.find((c) => c.caller === 'GIC ITS command queue')?.ret).toBe(-22)
    expect(r.faults.map((f) => f.kind)).toEqual(['dma-not-shared', 'dma-not-shared'])
    expect(r.verdict.headline).toContain('VFS: Unable to mount root fs')
  })

  it('patched-v1 (the posted 1/3 alone): boots further, then the first swiotlb bounce faults on an invalid interior block', async () => {
    const r = await bootNamed('realm', 'patched-v1')
    expect(r.verdict.status).toBe('failed')
    expect(warnSites(r)).toEqual([])
    expect(r.calls.find((c) => c.fn === 'swiotlb_update_mem_attributes')).toMatchObject({ window: 'W1', ret: 0 })
    const fault = r.faults.find((f) => f.kind === 'translation-fault')!
    expect(fault.message).toContain('level 2 translation fault')
    expect(r.verdict.headline).toContain('Attempted to kill init!')
    expect(r.console.some((l) => l.text.includes('software IO TLB: Memory encryption is active'))).toBe(true)
  })

  it('patched-v2 (1/3 as merged, without 2/3): the same crash at the first bounce', async () => {
    const r = await bootNamed('realm', 'patched-v2')
    expect(r.verdict.status).toBe('failed')
    expect(warnSites(r)).toEqual([])
    expect(r.faults.map((f) => f.kind)).toEqual(['translation-fault'])
    const oops = r.splats.find((s) => s.kind === 'oops')!
    expect(oops.frames.map((f) => f.fn).slice(0, 3)).toEqual(['__pi_memcpy_generic', 'swiotlb_bounce', 'swiotlb_tbl_map_single'])
    expect(oops.frames.map((f) => f.fn)).toContain('virtnet_open')
  })

  it('series (1/3 + 2/3): every shared buffer re-validated, clean boot to userspace', async () => {
    const r = await bootNamed('realm', 'series')
    expect(r.verdict.status).toBe('booted')
    expect(warnSites(r)).toEqual([])
    expect(r.faults).toEqual([])
    expect(r.calls.filter((c) => c.outcome !== 'ok')).toEqual([])
    // The pool comes from memblock_alloc_low() below ARCH_LOW_ADDRESS_LIMIT (4 GiB - 1): PA
    // [0xfbfff000, 0xfffff000), in the PUD block of PA GiB 3. Its edges: split_pud once, then at both
    // ends split_contpmd + split_pmd: 3 buddy pages. The ITS tables (W1) come from the top of RAM, the
    // PUD of PA GiB 4: split_pud, split_contpmd, split_pmd for the first 64 KiB table, the rest fall in
    // the same 2 MiB: 2 more buddy pages. The DMA atomic pools (W3) land in already split PMDs.
    expect(r.counters.splits.pud).toBe(2)
    expect(r.counters.splits.pmd).toBe(3)
    expect(r.counters.tablePagesByAllocator).toEqual({ memblock: 2, buddy: 5 })
    expect(r.reached).toBe('run_init_process')
  })

  it("memblock-split (Yang Shi's idea): splits in W0 from memblock, swiotlb stays in arch_mm_preinit, clean boot", async () => {
    const r = await bootNamed('realm', 'memblock-split')
    expect(r.verdict.status).toBe('booted')
    expect(r.calls.find((c) => c.fn === 'swiotlb_update_mem_attributes')).toMatchObject({ window: 'W0', outcome: 'ok' })
    // The pool's 3 split pages from memblock in W0; the ITS tables, in another PUD (see series), split from the buddy allocator in W1.
    expect(r.counters.tablePagesByAllocator).toEqual({ memblock: 2 + 3, buddy: 2 })
  })
})

describe('realm guests with a secondary CPU lacking BBML2_NOABORT', () => {
  it('unpatched: pool not shared in W0; the caps-final repaint makes later sharing work but too late for swiotlb', async () => {
    const r = await bootNamed('realm-mixed', 'unpatched')
    expect(r.verdict.status).toBe('failed')
    expect(r.counters.repaint.happened).toBe(true)
    expect(warnSites(r)).toEqual(['pageattr_pud_entry', FAILED_DECRYPT_POOL, FAILED_DECRYPT_ITS])
    // DMA atomic pools run after the repaint (W3): the map is PTEs, no split needed, they succeed.
    // kernel/dma/pool.c builds three: GFP_KERNEL, GFP_KERNEL|GFP_DMA (ZONE_DMA has managed pages), GFP_KERNEL|GFP_DMA32.
    expect(r.calls.filter((c) => c.caller.startsWith('DMA atomic pool')).map((c) => c.outcome)).toEqual(['ok', 'ok', 'ok'])
  })

  it('series: shares in W1, the repaint keeps the shared attributes, clean boot', async () => {
    const r = await bootNamed('realm-mixed', 'series')
    expect(r.verdict.status).toBe('booted')
    expect(r.counters.repaint.happened).toBe(true)
    expect(leafKindsOutsideImage(r)).toEqual(['PTE'])
  })

  it('patched-v2: the repaint cannot see the invalidated blocks either; still the bounce fault', async () => {
    const r = await bootNamed('realm-mixed', 'patched-v2')
    expect(r.verdict.status).toBe('failed')
    expect(r.faults.map((f) => f.kind)).toContain('translation-fault')
  })
})

describe('realm guests booted with rodata=off (the hole left open after merge)', () => {
  it('series: linear_map_requires_bbml2 is false, nothing is ever split, every partial-block share fails', async () => {
    const r = await bootNamed('realm-rodata-off', 'series')
    expect(r.verdict.status).toBe('failed')
    expect(warnSites(r)[0]).toBe('pageattr_pud_entry')
    expect(r.calls.find((c) => c.fn === 'swiotlb_update_mem_attributes')).toMatchObject({ window: 'W1', ret: -22 })
    expect(r.counters.splits).toEqual({ pud: 0, contPmd: 0, pmd: 0, contPte: 0 })
    expect(r.counters.repaint.happened).toBe(false)
  })

  it('unpatched: as broken, and the W3 callers still split because the system supports BBML2', async () => {
    const r = await bootNamed('realm-rodata-off', 'unpatched')
    expect(r.verdict.status).toBe('failed')
    expect(r.calls.filter((c) => c.caller.startsWith('DMA atomic pool')).map((c) => c.outcome)).toEqual(['ok', 'ok', 'ok'])
  })
})

describe('realm guests on CPUs without BBML2_NOABORT', () => {
  it('unpatched: PTE-only linear map from the start, so every share works without a split', async () => {
    const r = await bootNamed('realm-no-bbml2', 'unpatched')
    expect(r.verdict.status).toBe('booted')
    expect(r.counters.splits).toEqual({ pud: 0, contPmd: 0, pmd: 0, contPte: 0 })
    expect(r.counters.pudBlocks).toBe(0)
  })

  it('patched-v2: linear_map_requires_bbml2 is false, split returns 0, the PTE map needs none', async () => {
    const r = await bootNamed('realm-no-bbml2', 'patched-v2')
    expect(r.verdict.status).toBe('booted')
    expect(r.calls.every((c) => c.outcome === 'ok')).toBe(true)
  })
})

describe('every boot', () => {
  it('records both black-out windows as intervals: [start, memblock_free_all] and [smp_init, setup_system_features]', async () => {
    const r = await bootNamed('realm', 'series')
    const [w1, w2] = r.windows
    expect(w1.id).toBe('blackout-1')
    expect(r.steps[w1.toStep].fn).toBe('memblock_free_all')
    expect(w2.id).toBe('blackout-2')
    expect(r.steps[w2.fromStep].fn).toBe('smp_init')
    expect(r.steps[w2.toStep].fn).toBe('setup_system_features')
  })

  it('is deterministic: the same input gives the same result, byte for byte', async () => {
    const a = JSON.stringify(await bootNamed('realm-mixed', 'patched-v1'))
    const b = JSON.stringify(await bootNamed('realm-mixed', 'patched-v1'))
    expect(a).toBe(b)
  })
})
