// range_split_to_ptes(): the linear_map_split_to_ptes() repaint over a mixed map, counted by hand.
import { describe, expect, it } from 'vitest'
import { SZ_1G, SZ_2M, phys, virt } from '../../../src/core/memory/addr'
import {
  EINVAL,
  ENOMEM,
  NO_BLOCK_MAPPINGS,
  NO_CONT_MAPPINGS,
  PAGE_KERNEL,
  PageTable,
  type SplitEvent,
  counters,
  createMapping,
  extents,
  forEachSpan,
  lookup,
  rangeSplitToPtes,
  rangeSummary,
} from '../../../src/core/pgtable'
import { bump } from './bump'

const PHYS_OFFSET = 0x40000000
const MiB = 1 << 20
const KiB = 1 << 10
const PAGE_END = 2 ** 47

/**
 * RAM A: VA [0, 2 GiB) -> 2 PUD blocks.
 * RAM B: VA [2 GiB, 2 GiB + 66 MiB + 136 KiB) -> a PMD table: 2 CONT_PMD runs (32 PMDs),
 *   1 PMD block at +64 MiB, then a PTE table for [+66 MiB, +66 MiB + 136 KiB):
 *   2 CONT_PTE runs and 2 plain PTEs (34 PTEs).
 */
function mixedMap() {
  const events: SplitEvent[] = []
  const pt = new PageTable({ onSplit: (e) => events.push(e) })
  const a = bump(0x9ff00000)
  expect(createMapping(pt, virt(0), phys(PHYS_OFFSET), 2 * SZ_1G, PAGE_KERNEL, 0, a.alloc)).toBe(0)
  expect(createMapping(pt, virt(2 * SZ_1G), phys(PHYS_OFFSET + 2 * SZ_1G), 66 * MiB + 136 * KiB, PAGE_KERNEL, 0, a.alloc)).toBe(0)
  expect(counters(pt)).toMatchObject({
    pudBlocks: 2,
    pmdBlocks: 33,
    contPmdRuns: 2,
    ptes: 34,
    contPteRuns: 2,
    pudTables: 1,
    pmdTables: 1,
    pteTables: 1,
  })
  return { pt, events }
}

describe('rangeSplitToPtes', () => {
  it('repaints everything but the kernel alias to PTEs, with exact counts', () => {
    const { pt, events } = mixedMap()
    // The kernel-image alias: [1 GiB + 2 MiB, 1 GiB + 28 MiB), inside PUD 1.
    const kstart = SZ_1G + 2 * MiB
    const kend = SZ_1G + 28 * MiB
    const atomic = bump(0x70000000, Infinity, 'buddy')

    // [0, kstart): PUD 0 -> PMD table + 512 PTE tables; PUD 1 -> PMD table, PMD 0 -> 1 PTE table.
    const r1 = rangeSplitToPtes(pt, virt(0), virt(kstart), atomic.alloc)
    expect(r1).toEqual({ ret: 0, tablesAllocated: 2 + 512 + 1, ptesWritten: 512 * 512 + 512 })

    // [kend, PAGE_END): PUD 1 PMDs 14..511 -> 498 PTE tables; RAM B: 2 contpmd splits, 33 PTE tables,
    // 2 contpte splits (16 PTE writes each).
    const r2 = rangeSplitToPtes(pt, virt(kend), virt(PAGE_END), atomic.alloc)
    expect(r2).toEqual({ ret: 0, tablesAllocated: 498 + 33, ptesWritten: 498 * 512 + 33 * 512 + 2 * 16 })

    expect(counters(pt)).toEqual({
      pudBlocks: 0,
      pmdBlocks: 13, // the alias: PMDs 1..13 of PUD 1
      contPmdRuns: 0,
      ptes: 512 * 512 + (1 + 498) * 512 + 33 * 512 + 34,
      contPteRuns: 0,
      pudTables: 1,
      pmdTables: 3,
      pteTables: 1 + 513 + 498 + 33,
      tablePagesByAllocator: { memblock: 3, buddy: 1046 },
      splits: { pud: 2, contPmd: 2, pmd: 512 + 1 + 498 + 33, contPte: 2 },
    })
    expect(extents(pt, virt(0), virt(PAGE_END)).map((e) => [e.va, e.size, e.leaf])).toEqual([
      [0, kstart, 'PTE'],
      [kstart, kend - kstart, 'PMD'],
      [kend, 2 * SZ_1G + 66 * MiB + 136 * KiB - kend, 'PTE'],
    ])
    // The PMD tables split block by block hold one run-shaped PTE table per block; a walk of the
    // map meets each stretch of them that continues the one before as one span, not 498 or 33.
    const spans: [number, number][] = []
    forEachSpan(pt, virt(0), virt(PAGE_END), (sp) => void (sp.leaf && spans.push([sp.va, sp.size])))
    expect(spans).toEqual([
      [0, SZ_1G], // PUD 0: one run of 512 PTE tables
      [SZ_1G, SZ_2M], // PUD 1's PMD 0
      [kstart, kend - kstart], // the alias's blocks
      [kend, 2 * SZ_1G - kend], // PMDs 14..511
      [2 * SZ_1G, 66 * MiB], // RAM B's 33 blocks
      [2 * SZ_1G + 66 * MiB, 136 * KiB], // RAM B's PTE table
    ])
    expect([...rangeSummary(pt, virt(0), virt(kstart)).leafKinds]).toEqual(['PTE'])
    expect([...rangeSummary(pt, virt(kend), virt(2 * SZ_1G + 66 * MiB)).leafKinds]).toEqual(['PTE'])
    expect([...rangeSummary(pt, virt(kstart), virt(kend)).leafKinds]).toEqual(['PMD'])

    // Bulk work is reported as one event with a count: a whole table, or a stretch of PMD blocks
    // split one after the other (a CONT group's split_contpmd() ends a stretch: RAM B's 16 + 17)
    // (the first block of a stretch alone, so a listener that stops the boot stops it after one split).
    expect(events.filter((e) => e.kind === 'pmd').map((e) => [e.va, e.count])).toEqual([
      [0, 512],
      [SZ_1G, 1],
      [kend, 1],
      [kend + SZ_2M, 497],
      [2 * SZ_1G, 1],
      [2 * SZ_1G + SZ_2M, 15],
      [2 * SZ_1G + 32 * MiB, 17],
    ])
    // In the kernel's order: each group loses CONT before its first block is split.
    expect(events.filter((e) => e.va >= 2 * SZ_1G && e.kind.endsWith('pmd')).map((e) => [e.kind, e.va - 2 * SZ_1G])).toEqual([
      ['contpmd', 0],
      ['pmd', 0],
      ['pmd', SZ_2M],
      ['contpmd', 32 * MiB],
      ['pmd', 32 * MiB],
    ])
    expect(events.filter((e) => e.kind === 'contpmd').map((e) => e.va)).toEqual([2 * SZ_1G, 2 * SZ_1G + 32 * MiB])
  })

  it('does nothing to a map that is already all PTEs', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(PHYS_OFFSET), 4 * MiB, PAGE_KERNEL, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS, bump(0x9ff00000).alloc)
    const before = counters(pt)
    expect(rangeSplitToPtes(pt, virt(0), virt(PAGE_END), bump(0x70000000).alloc)).toEqual({ ret: 0, tablesAllocated: 0, ptesWritten: 0 })
    expect(counters(pt)).toEqual(before)
  })

  it('clears CONT on a whole GiB of CONT PTEs in one step', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(PHYS_OFFSET), SZ_1G, PAGE_KERNEL, NO_BLOCK_MAPPINGS, bump(0x9ff00000).alloc)
    expect(counters(pt)).toMatchObject({ ptes: 262144, contPteRuns: 16384 })
    expect(rangeSplitToPtes(pt, virt(0), virt(SZ_1G), bump(0x70000000).alloc)).toEqual({ ret: 0, tablesAllocated: 0, ptesWritten: 262144 })
    expect(counters(pt)).toMatchObject({ ptes: 262144, contPteRuns: 0, splits: { pud: 0, contPmd: 0, pmd: 0, contPte: 16384 } })
  })

  it('splits a CONT group that straddles the range start whole', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(PHYS_OFFSET), SZ_2M, PAGE_KERNEL, NO_BLOCK_MAPPINGS, bump(0x9ff00000).alloc)
    expect(rangeSplitToPtes(pt, virt(0x8000), virt(0x18000), bump(0x70000000).alloc)).toEqual({ ret: 0, tablesAllocated: 0, ptesWritten: 32 })
    expect(extents(pt, virt(0), virt(SZ_2M)).map((e) => [e.va, e.leaf])).toEqual([
      [0, 'PTE'],
      [0x20000, 'CONT_PTE'],
    ])
  })

  it('returns -ENOMEM where the kernel would, after a failed bulk allocation', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(PHYS_OFFSET), SZ_1G, PAGE_KERNEL, 0, bump(0x9ff00000).alloc)
    // One PMD table, then the 512-page request fails; entry by entry, 100 pages succeed, the 101st fails:
    // block 0 alone, then the stretch 1..511 at once, which does not fit either, so one by one.
    const atomic = bump(0x70000000, 101)
    const r = rangeSplitToPtes(pt, virt(0), virt(SZ_1G), atomic.alloc)
    expect(r).toEqual({ ret: -ENOMEM, tablesAllocated: 101, ptesWritten: 100 * 512 })
    expect(atomic.calls.filter((c) => !c.ok)).toEqual([
      { type: 'TABLE_PTE', count: 512, ok: false },
      { type: 'TABLE_PTE', count: 511, ok: false },
      { type: 'TABLE_PTE', count: 1, ok: false },
    ])
    expect(atomic.calls.filter((c) => c.ok).reduce((n, c) => n + c.count, 0)).toBe(101)
    expect(counters(pt)).toMatchObject({ pudBlocks: 0, pmdBlocks: 412, ptes: 51200, pmdTables: 1, pteTables: 100 })
    expect(extents(pt, virt(0), virt(SZ_1G)).map((e) => [e.va, e.leaf])).toEqual([
      [0, 'PTE'],
      [100 * SZ_2M, 'PMD'],
    ])
  })

  it('stops at the failed page inside a stretch of CONT PMDs, with the groups met so far already non-contiguous', () => {
    const { pt } = mixedMap()
    const ramB = 2 * SZ_1G
    // RAM B's PMDs: 0..15 and 16..31 CONT, 32 plain. Twenty pages: PMDs 0..19 split, the 21st request fails.
    // PMD 0 alone, 1..15 at once, then 16..32 (CONT cleared on 16..31 first) do not fit: one by one.
    const atomic = bump(0x70000000, 20, 'buddy')
    const r = rangeSplitToPtes(pt, virt(ramB), virt(ramB + 66 * MiB + 136 * KiB), atomic.alloc)
    expect(r).toEqual({ ret: -ENOMEM, tablesAllocated: 20, ptesWritten: 20 * 512 })
    const page = (count: number, ok = true) => ({ type: 'TABLE_PTE', count, ok })
    expect(atomic.calls).toEqual([page(1), page(15), page(17, false), ...Array(4).fill(page(1)), page(1, false)])
    expect(counters(pt)).toMatchObject({ pmdBlocks: 13, contPmdRuns: 0, pteTables: 21, splits: { contPmd: 2, pmd: 20 } })
    expect(extents(pt, virt(ramB), virt(ramB + 66 * MiB)).map((e) => [e.va - ramB, e.leaf])).toEqual([
      [0, 'PTE'],
      [20 * SZ_2M, 'PMD'],
    ])
    // Each new PTE table is the next page the allocator gave, in entry order (a stretch at once or page by page).
    const pteTablePa = (n: number) => lookup(pt, virt(ramB + n * SZ_2M)).find((s) => s.level === 3)?.tablePa
    expect([0, 1, 15, 16, 19].map(pteTablePa)).toEqual([0, 1, 15, 16, 19].map((n) => 0x70000000 + n * 0x1000))
  })

  it('a split listener that stops the boot at the first split stops it after one block, as the kernel would', () => {
    // 32 PMD blocks, no CONT: one stretch. The listener throws, as a live split on a CPU without BBML2_NOABORT does.
    let seen = 0
    const pt = new PageTable({
      onSplit: () => {
        seen++
        throw new Error('live split')
      },
    })
    createMapping(pt, virt(0), phys(PHYS_OFFSET), 64 * MiB, PAGE_KERNEL, NO_CONT_MAPPINGS, bump(0x9ff00000).alloc)
    expect(() => rangeSplitToPtes(pt, virt(0), virt(64 * MiB), bump(0x70000000, Infinity, 'buddy').alloc)).toThrow('live split')
    expect(seen).toBe(1)
    expect(counters(pt)).toMatchObject({ pmdBlocks: 31, pteTables: 1, splits: { pmd: 1 } })
  })

  it('rejects an empty range', () => {
    expect(rangeSplitToPtes(new PageTable(), virt(5), virt(5), bump(0).alloc).ret).toBe(-EINVAL)
  })
})
