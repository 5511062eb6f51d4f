// The pageattr walk: callbacks written like arch/arm64/mm/pageattr.c after the 2/3 patch.
import { describe, expect, it } from 'vitest'
import { PMD_SIZE, PUD_SIZE, SZ_1G, SZ_2M, phys, virt } from '../../../src/core/memory/addr'
import {
  EINVAL,
  NO_BLOCK_MAPPINGS,
  NO_CONT_MAPPINGS,
  type EntryRef,
  PAGE_KERNEL,
  PTE_RDONLY,
  PTE_VALID,
  PTE_WRITE,
  PageTable,
  type PageWalkOps,
  type WalkState,
  counters,
  createMapping,
  extents,
  lookup,
  pmd_leaf,
  pud_leaf,
  splitKernelLeafMappingLocked,
  walkRange,
} from '../../../src/core/pgtable'
import { bump } from './bump'

const PHYS_OFFSET = 0x40000000
const MiB = 1 << 20

/** pageattr_pud_entry/pageattr_pmd_entry/pageattr_pte_entry with set_pageattr_masks(). */
function pageattrOps(set: bigint, clear: bigint, seen: [string, number, number][] = []): PageWalkOps {
  const entry = (name: string, size: number, isLeaf: (d: bigint) => boolean) => (ref: EntryRef, addr: number, next: number, walk: WalkState) => {
    seen.push([name, addr, next])
    const val = ref.read()
    if (isLeaf(val)) {
      if (next - addr !== size) return -EINVAL // WARN_ON_ONCE in the kernel
      ref.write((val & ~clear) | set)
      walk.action = 'continue'
    }
    return 0
  }
  return { pud: entry('pud', PUD_SIZE, pud_leaf), pmd: entry('pmd', PMD_SIZE, pmd_leaf), pteMasks: { set, clear } }
}

/** 62 MiB at VA 2 MiB: 15 PMD blocks, then 16 CONT PMD blocks. */
function pmdMap() {
  const pt = new PageTable()
  expect(createMapping(pt, virt(2 * MiB), phys(PHYS_OFFSET + 2 * MiB), 62 * MiB, PAGE_KERNEL, 0, bump(0x9ff00000).alloc)).toBe(0)
  return pt
}

const RO = { set: PTE_RDONLY, clear: PTE_WRITE }

describe('walkRange with pageattr callbacks', () => {
  it('calls pmd with next - addr < PMD_SIZE for a partly covered block, and stops with -EINVAL', () => {
    const pt = pmdMap()
    const seen: [string, number, number][] = []
    expect(walkRange(pt, virt(4 * MiB + 0x1000), virt(4 * MiB + 0x3000), pageattrOps(RO.set, RO.clear, seen))).toBe(-EINVAL)
    expect(seen).toEqual([
      ['pud', 4 * MiB + 0x1000, 4 * MiB + 0x3000],
      ['pmd', 4 * MiB + 0x1000, 4 * MiB + 0x3000],
    ])
  })

  it('half-applies a range whose second block is partly covered', () => {
    const pt = pmdMap()
    expect(walkRange(pt, virt(2 * MiB), virt(5 * MiB), pageattrOps(RO.set, RO.clear))).toBe(-EINVAL)
    expect(extents(pt, virt(2 * MiB), virt(6 * MiB)).map((e) => [e.va, e.size, e.readOnly])).toEqual([
      [2 * MiB, 2 * MiB, true],
      [4 * MiB, 2 * MiB, false],
    ])
  })

  it('rewrites fully covered blocks in place and skips their children', () => {
    const pt = pmdMap()
    const seen: [string, number, number][] = []
    expect(walkRange(pt, virt(32 * MiB), virt(36 * MiB), pageattrOps(RO.set, RO.clear, seen))).toBe(0)
    expect(seen.map((s) => s[0])).toEqual(['pud', 'pmd', 'pmd'])
    // The contiguous hint stays on the two rewritten PMDs: a silent mis-programming, no WARN.
    expect(extents(pt, virt(32 * MiB), virt(64 * MiB)).map((e) => [e.va, e.leaf, e.readOnly])).toEqual([
      [32 * MiB, 'CONT_PMD', true],
      [36 * MiB, 'CONT_PMD', false],
    ])
    expect(counters(pt)).toMatchObject({ pmdBlocks: 31, contPmdRuns: 1 })
  })

  it('descends through tables after a split and applies the PTE masks in bulk', () => {
    const pt = pmdMap()
    const buddy = bump(0x80000000)
    const start = 4 * MiB + 0x5000
    const end = 8 * MiB + 0x3000
    expect(splitKernelLeafMappingLocked(pt, virt(start), buddy.alloc)).toBe(0)
    expect(splitKernelLeafMappingLocked(pt, virt(end), buddy.alloc)).toBe(0)
    const seen: [string, number, number][] = []
    expect(walkRange(pt, virt(start), virt(end), pageattrOps(RO.set, RO.clear, seen))).toBe(0)
    expect(seen.map((s) => s[0])).toEqual(['pud', 'pmd', 'pmd', 'pmd'])
    // Each split left CONT PTEs except the 64 KiB group holding the split address.
    expect(extents(pt, virt(4 * MiB), virt(10 * MiB)).map((e) => [e.va, e.size, e.leaf, e.readOnly])).toEqual([
      [4 * MiB, 0x5000, 'PTE', false],
      [start, 0xb000, 'PTE', true],
      [4 * MiB + 0x10000, 2 * MiB - 0x10000, 'CONT_PTE', true],
      [6 * MiB, 2 * MiB, 'PMD', true],
      [8 * MiB, 0x3000, 'PTE', true],
      [end, 0xd000, 'PTE', false],
      [8 * MiB + 0x10000, 2 * MiB - 0x10000, 'CONT_PTE', false],
    ])
  })

  it('stops the whole walk on the first non-zero return', () => {
    const pt = pmdMap()
    const seen: number[] = []
    const ops: PageWalkOps = { pmd: (_ref, addr) => (seen.push(addr), addr === 6 * MiB ? -7 : 0) }
    expect(walkRange(pt, virt(2 * MiB), virt(64 * MiB), ops)).toBe(-7)
    expect(seen).toEqual([2 * MiB, 4 * MiB, 6 * MiB])
  })

  it('skips none entries and returns -EINVAL for an empty range', () => {
    const pt = pmdMap()
    const seen: number[] = []
    expect(walkRange(pt, virt(0), virt(6 * MiB), { pmd: (_r, addr) => (seen.push(addr), 0) })).toBe(0)
    expect(seen).toEqual([2 * MiB, 4 * MiB])
    expect(walkRange(pt, virt(4 * MiB), virt(4 * MiB), {})).toBe(-EINVAL)
    // Nothing mapped in the second PGD entry: no callback at all.
    expect(walkRange(pt, virt(2 ** 39), virt(2 ** 39 + SZ_1G), { pud: () => 1 })).toBe(0)
  })

  it('calls a per-entry pte visitor for every PTE, none ones included', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0x2000), phys(PHYS_OFFSET + 0x2000), 0x2000, PAGE_KERNEL, 0, bump(0x9ff00000).alloc)
    const seen: [number, boolean][] = []
    expect(walkRange(pt, virt(0), virt(0x6000), { pte: (ref, addr) => (seen.push([addr, ref.read() !== 0n]), 0) })).toBe(0)
    expect(seen).toEqual([
      [0, false],
      [0x1000, false],
      [0x2000, true],
      [0x3000, true],
      [0x4000, false],
      [0x5000, false],
    ])
  })

  it('an entry reads as the descriptor a hardware walk finds at its level: blocks, split tables, runs of PTE tables, none entries', () => {
    const pt = pmdMap()
    splitKernelLeafMappingLocked(pt, virt(4 * MiB + 0x1000), bump(0x80000000).alloc)
    // A GiB of PTEs: a PMD table whose PTE tables exist only as one run.
    createMapping(pt, virt(SZ_1G), phys(PHYS_OFFSET + SZ_1G), SZ_1G, PAGE_KERNEL, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS, bump(0x9f000000).alloc)
    const reads: [number, number, bigint][] = []
    const record = (ref: EntryRef, addr: number) => (reads.push([ref.level, addr, ref.read()]), 0)
    for (const [start, end] of [[0, 8 * MiB], [SZ_1G, SZ_1G + 4 * MiB], [SZ_1G + 600 * MiB, SZ_1G + 600 * MiB + 0x3000]]) {
      expect(walkRange(pt, virt(start), virt(end), { pud: record, pmd: record, pte: record })).toBe(0)
    }
    expect(new Set(reads.map(([level]) => level))).toEqual(new Set([1, 2, 3]))
    expect(reads.filter(([level, addr]) => level === 3 && addr >= SZ_1G).length).toBeGreaterThan(1024)
    for (const [level, addr, desc] of reads) expect({ level, addr, desc }).toEqual({ level, addr, desc: lookup(pt, virt(addr))[level].desc })
  })

  it('refuses to change an entry between table and leaf', () => {
    const pt = pmdMap()
    splitKernelLeafMappingLocked(pt, virt(4 * MiB + 0x1000), bump(0x80000000).alloc)
    const table = lookup(pt, virt(4 * MiB))[2].desc
    const block = lookup(pt, virt(2 * MiB))[2].desc
    expect(() => walkRange(pt, virt(2 * MiB), virt(4 * MiB), { pmd: (ref) => (ref.write(table), 0) })).toThrow(/into a table/)
    expect(() => walkRange(pt, virt(4 * MiB), virt(6 * MiB), { pmd: (ref) => (ref.write(block), 0) })).toThrow(/rewriting a table/)
    // Rewriting a table entry with itself is fine.
    expect(walkRange(pt, virt(4 * MiB), virt(6 * MiB), { pmd: (ref) => (ref.write(ref.read()), 0) })).toBe(0)
  })

  it('invalidates and revalidates 64 MiB of PTEs as whole tables, keeping them uniform', () => {
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    createMapping(pt, virt(0), phys(PHYS_OFFSET), SZ_1G, PAGE_KERNEL, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS, a.alloc)
    expect(walkRange(pt, virt(128 * MiB), virt(192 * MiB), { pteMasks: { set: 0n, clear: PTE_VALID } })).toBe(0)
    expect(extents(pt, virt(0), virt(SZ_1G)).map((e) => [e.va, e.size, e.valid])).toEqual([
      [0, 128 * MiB, true],
      [128 * MiB, 64 * MiB, false],
      [192 * MiB, SZ_1G - 192 * MiB, true],
    ])
    expect(lookup(pt, virt(130 * MiB))[3].desc & PTE_VALID).toBe(0n)
    expect(walkRange(pt, virt(128 * MiB), virt(192 * MiB), { pteMasks: { set: PTE_VALID, clear: 0n } })).toBe(0)
    expect(extents(pt, virt(0), virt(SZ_1G))).toHaveLength(1)
    expect(counters(pt)).toMatchObject({ ptes: 262144, pteTables: 512 })
  })

  it('applies masks over a whole run of PTE tables without a pmd callback', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(PHYS_OFFSET), 2 * SZ_1G, PAGE_KERNEL, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS, bump(0x9ff00000).alloc)
    expect(walkRange(pt, virt(SZ_1G), virt(2 * SZ_1G), { pteMasks: RO })).toBe(0)
    expect(extents(pt, virt(0), virt(2 * SZ_1G)).map((e) => [e.va, e.readOnly])).toEqual([
      [0, false],
      [SZ_1G, true],
    ])
    expect(lookup(pt, virt(SZ_1G + SZ_2M + 0x1000))[3].desc).toBe(0x00e0000000000787n | BigInt(PHYS_OFFSET + SZ_1G + SZ_2M + 0x1000))
  })
})

describe('masks over whole dense PTE tables', () => {
  // set_pageattr_masks() over a whole PTE table masks and tests uniformity in one pass:
  // a table the masks make uniform again is stored as one run, the others stay per entry.
  function oneReadOnlyPagePer2M() {
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    createMapping(pt, virt(0), phys(PHYS_OFFSET), 8 * SZ_2M, PAGE_KERNEL, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS, a.alloc)
    for (let va = 0; va < 8 * SZ_2M; va += SZ_2M) expect(walkRange(pt, virt(va + 0x5000), virt(va + 0x6000), { pteMasks: RO })).toBe(0)
    return pt
  }
  const pteTable = (pt: PageTable, va: number) => {
    const pmd = pt.pgd.child(0)!.child(0)!
    return pmd.child(pmd.index(va))!
  }

  it('a mask that undoes the one different page collapses each table to a run', () => {
    const pt = oneReadOnlyPagePer2M()
    expect(pteTable(pt, 0).leafRun()).toBeNull()
    expect(walkRange(pt, virt(0), virt(8 * SZ_2M), { pteMasks: { set: PTE_WRITE, clear: PTE_RDONLY } })).toBe(0)
    for (let va = 0; va < 8 * SZ_2M; va += SZ_2M) expect(pteTable(pt, va).leafRun()).not.toBeNull()
    expect(extents(pt, virt(0), virt(8 * SZ_2M))).toHaveLength(1)
    expect(counters(pt)).toMatchObject({ ptes: 8 * 512, pteTables: 8 })
  })

  it('a mask that leaves the difference keeps each table per entry, with every PTE masked', () => {
    const pt = oneReadOnlyPagePer2M()
    expect(walkRange(pt, virt(0), virt(8 * SZ_2M), { pteMasks: { set: 0n, clear: PTE_WRITE } })).toBe(0)
    for (let va = 0; va < 8 * SZ_2M; va += SZ_2M) expect(pteTable(pt, va).leafRun()).toBeNull()
    // The read-only pages are still the only read-only extents.
    expect(extents(pt, virt(0), virt(8 * SZ_2M)).filter((e) => e.readOnly).map((e) => [e.va, e.size])).toEqual(Array.from({ length: 8 }, (_, i) => [i * SZ_2M + 0x5000, 0x1000]))
    for (let va = 0; va < 8 * SZ_2M; va += SZ_2M) expect(lookup(pt, virt(va + 0x1000))[3].desc & PTE_WRITE).toBe(0n)
  })
})
