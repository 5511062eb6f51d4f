// split_kernel_leaf_mapping_locked(): one split per level, the aligned early exits, -ENOMEM.
import { describe, expect, it } from 'vitest'
import { SZ_1G, SZ_2M, SZ_32M, SZ_64K, phys, virt } from '../../../src/core/memory/addr'
import {
  Attr,
  ENOMEM,
  PAGE_KERNEL,
  PTE_NG,
  PTE_VALID,
  PageTable,
  type SplitEvent,
  counters,
  createMapping,
  extents,
  leafAt,
  splitKernelLeafMappingLocked,
  walkRange,
} from '../../../src/core/pgtable'
import { bump } from './bump'

const PHYS_OFFSET = 0x40000000
const MiB = 1 << 20

/** 4 GiB of PUD blocks at VA 0, split events recorded. */
function blockMap() {
  const events: SplitEvent[] = []
  const pt = new PageTable({ onSplit: (e) => events.push(e) })
  expect(createMapping(pt, virt(0), phys(PHYS_OFFSET), 4 * SZ_1G, PAGE_KERNEL, 0, bump(0x9ff00000).alloc)).toBe(0)
  return { pt, events, buddy: bump(0x80000000, Infinity, 'buddy') }
}

describe('splitKernelLeafMappingLocked', () => {
  it('does nothing at a PUD-aligned address', () => {
    const { pt, events, buddy } = blockMap()
    expect(splitKernelLeafMappingLocked(pt, virt(SZ_1G), buddy.alloc)).toBe(0)
    expect(buddy.calls).toEqual([])
    expect(events).toEqual([])
    expect(counters(pt).pudBlocks).toBe(4)
  })

  it('splits all the way down for an address inside a 64 KiB group', () => {
    // PUD 1 -> 512 CONT PMDs; group 0 loses CONT; PMD 0 -> 512 CONT PTEs; PTE group 0 loses CONT.
    const { pt, events, buddy } = blockMap()
    expect(splitKernelLeafMappingLocked(pt, virt(SZ_1G + 0x3000), buddy.alloc)).toBe(0)
    expect(events).toEqual([
      { kind: 'pud', va: SZ_1G, size: SZ_1G, count: 1 },
      { kind: 'contpmd', va: SZ_1G, size: SZ_32M, count: 1 },
      { kind: 'pmd', va: SZ_1G, size: SZ_2M, count: 1 },
      { kind: 'contpte', va: SZ_1G, size: SZ_64K, count: 1 },
    ])
    expect(counters(pt)).toEqual({
      pudBlocks: 3,
      pmdBlocks: 511,
      contPmdRuns: 31,
      ptes: 512,
      contPteRuns: 31,
      pudTables: 1,
      pmdTables: 1,
      pteTables: 1,
      tablePagesByAllocator: { memblock: 1, buddy: 2 },
      splits: { pud: 1, contPmd: 1, pmd: 1, contPte: 1 },
    })
    expect(extents(pt, virt(SZ_1G), virt(2 * SZ_1G)).map((e) => [e.va - SZ_1G, e.size, e.leaf])).toEqual([
      [0, SZ_64K, 'PTE'],
      [SZ_64K, SZ_2M - SZ_64K, 'CONT_PTE'],
      [SZ_2M, SZ_32M - SZ_2M, 'PMD'],
      [SZ_32M, SZ_1G - SZ_32M, 'CONT_PMD'],
    ])
    // The same address again: every level is already split.
    expect(splitKernelLeafMappingLocked(pt, virt(SZ_1G + 0x3000), buddy.alloc)).toBe(0)
    expect(events).toHaveLength(4)
  })

  it('stops after split_pud at a CONT_PMD-aligned address', () => {
    const { pt, events, buddy } = blockMap()
    expect(splitKernelLeafMappingLocked(pt, virt(2 * SZ_1G + SZ_32M), buddy.alloc)).toBe(0)
    expect(events.map((e) => e.kind)).toEqual(['pud'])
    expect(counters(pt)).toMatchObject({ pudBlocks: 3, pmdBlocks: 512, contPmdRuns: 32, pmdTables: 1, pteTables: 0 })
  })

  it('stops after split_contpmd at a PMD-aligned address', () => {
    const { pt, events, buddy } = blockMap()
    expect(splitKernelLeafMappingLocked(pt, virt(2 * SZ_1G + SZ_32M + SZ_2M), buddy.alloc)).toBe(0)
    expect(events.map((e) => [e.kind, e.va])).toEqual([
      ['pud', 2 * SZ_1G],
      ['contpmd', 2 * SZ_1G + SZ_32M],
    ])
    expect(counters(pt)).toMatchObject({ pmdBlocks: 512, contPmdRuns: 31, pteTables: 0 })
  })

  it('stops after split_pmd at a CONT_PTE-aligned address', () => {
    const { pt, events, buddy } = blockMap()
    expect(splitKernelLeafMappingLocked(pt, virt(2 * SZ_1G + SZ_32M + SZ_2M + SZ_64K), buddy.alloc)).toBe(0)
    expect(events.map((e) => e.kind)).toEqual(['pud', 'contpmd', 'pmd'])
    expect(counters(pt)).toMatchObject({ pmdBlocks: 511, contPmdRuns: 31, ptes: 512, contPteRuns: 32, pteTables: 1 })
  })

  it('does not split a leaf that is not present', () => {
    const { pt, events, buddy } = blockMap()
    // Invalidate PUD 1 without PRESENT_INVALID (the pre-2/3 encoding).
    walkRange(pt, virt(SZ_1G), virt(2 * SZ_1G), { pud: (ref) => (ref.write(ref.read() & ~PTE_VALID), 0) })
    expect(splitKernelLeafMappingLocked(pt, virt(SZ_1G + 0x3000), buddy.alloc)).toBe(0)
    expect(events).toEqual([])
  })

  it('splits a present-invalid leaf; as patch 2/3 has split_pud() (`if (!pud_valid(pud)) ... pmd_mkinvalid`), the PMDs stay present-invalid', () => {
    const { pt, buddy } = blockMap()
    walkRange(pt, virt(SZ_1G), virt(2 * SZ_1G), { pud: (ref) => (ref.write((ref.read() & ~PTE_VALID) | PTE_NG), 0) })
    expect(leafAt(pt, virt(SZ_1G))!.attrs & Attr.VALID).toBe(0)
    expect(splitKernelLeafMappingLocked(pt, virt(SZ_1G + SZ_2M), buddy.alloc)).toBe(0)
    expect(leafAt(pt, virt(SZ_1G))).toMatchObject({ kind: 'PMD', attrs: (PAGE_KERNEL & ~Attr.VALID) | Attr.PRESENT_INVALID })
  })

  it('returns -ENOMEM with nothing changed when the first allocation fails', () => {
    const { pt, events } = blockMap()
    const none = bump(0x80000000, 0, 'buddy')
    const before = counters(pt)
    expect(splitKernelLeafMappingLocked(pt, virt(SZ_1G + 0x3000), none.alloc)).toBe(-ENOMEM)
    expect(counters(pt)).toEqual(before)
    expect(events).toEqual([])
  })

  it('returns -ENOMEM after split_pud and split_contpmd when split_pmd cannot allocate', () => {
    const { pt, events } = blockMap()
    const one = bump(0x80000000, 1, 'buddy')
    expect(splitKernelLeafMappingLocked(pt, virt(SZ_1G + 0x3000), one.alloc)).toBe(-ENOMEM)
    expect(events.map((e) => e.kind)).toEqual(['pud', 'contpmd'])
    expect(counters(pt)).toMatchObject({ pudBlocks: 3, pmdBlocks: 512, contPmdRuns: 31, ptes: 0, pmdTables: 1, pteTables: 0 })
    expect(leafAt(pt, virt(SZ_1G + 0x3000))).toMatchObject({ kind: 'PMD', va: SZ_1G })
  })

  it('splits a CONT_PTE group created by the mapper', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(PHYS_OFFSET), SZ_2M - 0x1000, PAGE_KERNEL, 0, bump(0x9ff00000).alloc)
    expect(counters(pt)).toMatchObject({ ptes: 511, contPteRuns: 31 })
    expect(splitKernelLeafMappingLocked(pt, virt(5 * SZ_64K + 0x1000), bump(0x80000000).alloc)).toBe(0)
    expect(counters(pt)).toMatchObject({ ptes: 511, contPteRuns: 30, splits: { pud: 0, contPmd: 0, pmd: 0, contPte: 1 } })
    expect(extents(pt, virt(0), virt(SZ_2M)).map((e) => [e.va, e.leaf])).toEqual([
      [0, 'CONT_PTE'],
      [5 * SZ_64K, 'PTE'],
      [6 * SZ_64K, 'CONT_PTE'],
      [31 * SZ_64K, 'PTE'],
    ])
  })
})

describe('split listener', () => {
  it('sees every split with its size', () => {
    const { pt, events, buddy } = blockMap()
    splitKernelLeafMappingLocked(pt, virt(3 * SZ_1G + 100 * MiB + 0x5000), buddy.alloc)
    expect(events.map((e) => [e.kind, e.va - 3 * SZ_1G, e.size])).toEqual([
      ['pud', 0, SZ_1G],
      ['contpmd', 96 * MiB, SZ_32M],
      ['pmd', 100 * MiB, SZ_2M],
      ['contpte', 100 * MiB, SZ_64K],
    ])
  })
})
