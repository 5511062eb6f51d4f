/*
 * compareBoots: where two boots part ways, the console diff without
 * timestamps, the aligned steps and callers, the counters and the map ranges
 * that differ.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { type BootResult, type MapExtent, phys, virt } from '../../src/core'
import { compareBoots, consoleHunks, mapDifferences } from '../../src/report/compare'
import { bootWith } from '../helpers/boot'
import { PATCHED_V2, swiotlbInPreinit } from './policies'

describe('compareBoots on the swiotlb call placement', () => {
  let preinit: BootResult
  let memInit: BootResult

  beforeAll(async () => {
    preinit = await bootWith('realm', swiotlbInPreinit(), 'swiotlb-in-preinit.c')
    memInit = await bootWith('realm', PATCHED_V2, 'swiotlb-in-mem-init.c')
  })

  it('diverges in arch_mm_preinit(), where only the moved call splits before the page allocator exists', () => {
    const c = compareBoots(preinit, memInit)
    expect(c.divergence?.left).toMatchObject({ stepFn: 'arch_mm_preinit', text: expect.stringMatching(/^WARNING: arch\/arm64\/mm\/mmu\.c:\d+ at split_kernel_leaf_mapping/) })
    expect(c.divergence?.right?.stepFn).toBe('memblock_free_all')
    expect(c.divergence?.explanation).toMatch(/^The boots diverge in arch_mm_preinit\(\)/)
  })

  it('aligns the steps: the swiotlb pool fails with EBUSY in arch_mm_preinit() on one side, is shared in mem_init() on the other', () => {
    const c = compareBoots(preinit, memInit)
    const row = (fn: string) => c.steps.find((s) => s.fn === fn)
    expect(row('arch_mm_preinit')).toEqual({
      fn: 'arch_mm_preinit',
      left: { step: 11, calls: [{ caller: 'swiotlb default pool', outcome: 'error', errno: 'EBUSY' }] },
      right: { step: 11, calls: [] },
      differs: true,
    })
    expect(row('mem_init')).toMatchObject({ left: { calls: [] }, right: { calls: [{ caller: 'swiotlb default pool', outcome: 'ok' }] }, differs: true })
    expect(row('init_IRQ')?.differs).toBe(false)
  })

  it('puts the counters side by side', () => {
    const counters = Object.fromEntries(compareBoots(preinit, memInit).counters.map((k) => [k.name, [k.left, k.right, k.differs]]))
    expect(counters.WARNs).toEqual([3, 0, true])
    expect(counters['set_memory_decrypted() failures']).toEqual([1, 0, true])
    expect(counters['linear map repainted to PTEs']).toEqual([false, false, false])
  })

  it('lists console lines on one side only, the WARN splat on the left', () => {
    const c = compareBoots(preinit, memInit)
    const leftOnly = c.console.filter((r) => r.side === 'left').map((r) => r.text)
    expect(leftOnly).toContain('Failed to decrypt memory, 16384 pages will be leaked')
    expect(c.console.filter((r) => r.side === 'both').length).toBeGreaterThan(10)
    const hunks = consoleHunks(c.console, 1)
    expect(hunks.length).toBeGreaterThan(0)
    for (const h of hunks) expect(h.some((r) => r.side !== 'both')).toBe(true)
  })

  it('finds the map ranges that differ at the end of boot: the swiotlb pool is private on the left, shared on the right', () => {
    const c = compareBoots(preinit, memInit)
    expect(c.mapSnapshots).toEqual({ left: 'end of boot', right: 'end of boot' })
    const pool = preinit.calls.find((k) => k.caller === 'swiotlb default pool')!
    const inPool = c.mapDifferences.filter((d) => d.va < pool.va + pool.size && d.va + d.size > pool.va)
    expect(inPool.length).toBeGreaterThan(0)
    expect(inPool.some((d) => d.left?.shared === false && d.right?.shared === true)).toBe(true)
  })
})

describe('compareBoots on identical boots', () => {
  it('finds no divergence and no difference anywhere', async () => {
    const a = await bootWith('realm', PATCHED_V2, 'same.c')
    const b = await bootWith('realm', PATCHED_V2, 'same.c')
    const c = compareBoots(a, b)
    expect(c.divergence).toBeNull()
    expect(c.console.every((r) => r.side === 'both')).toBe(true)
    expect(c.steps.some((s) => s.differs)).toBe(false)
    expect(c.counters.some((k) => k.differs)).toBe(false)
    expect(c.mapDifferences).toEqual([])
    expect(consoleHunks(c.console)).toEqual([])
  })

  it('ignores console timestamps', async () => {
    const a = await bootWith('realm', PATCHED_V2, 'same.c')
    const later = structuredClone(a)
    for (const line of later.console) {
      line.time += 1
      line.line = `[${line.time.toFixed(6).padStart(12)}] ${line.text}`
    }
    expect(compareBoots(a, later).console.every((r) => r.side === 'both')).toBe(true)
  })
})

describe('mapDifferences', () => {
  const leaf = (va: number, size: number, over: Partial<MapExtent> = {}): MapExtent => ({
    va: virt(va),
    pa: phys(va + 0x40000000),
    size,
    leaf: 'PMD',
    valid: true,
    shared: false,
    readOnly: false,
    noExec: true,
    ...over,
  })
  const M = 0x200000

  it('splits at every edge, keeps only differing pieces and merges neighbours that differ the same way', () => {
    const left = [leaf(0, 8 * M)]
    const right = [leaf(0, 2 * M), leaf(2 * M, M, { leaf: 'PTE', shared: true }), leaf(3 * M, M, { leaf: 'PTE', shared: true }), leaf(4 * M, 2 * M, { valid: false })]
    expect(mapDifferences(left, right)).toEqual([
      { va: 2 * M, size: 2 * M, left: { leaf: 'PMD', valid: true, shared: false, readOnly: false, noExec: true }, right: { leaf: 'PTE', valid: true, shared: true, readOnly: false, noExec: true } },
      { va: 4 * M, size: 2 * M, left: { leaf: 'PMD', valid: true, shared: false, readOnly: false, noExec: true }, right: { leaf: 'PMD', valid: false, shared: false, readOnly: false, noExec: true } },
      { va: 6 * M, size: 2 * M, left: { leaf: 'PMD', valid: true, shared: false, readOnly: false, noExec: true }, right: null },
    ])
  })

  it('is empty for equal maps', () => {
    expect(mapDifferences([leaf(0, M), leaf(M, M, { leaf: 'PTE' })], [leaf(0, M), leaf(M, M, { leaf: 'PTE' })])).toEqual([])
  })
})
