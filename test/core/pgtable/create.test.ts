// __create_pgd_mapping decisions, worked out by hand from mmu.c's alignment rules.
import { describe, expect, it } from 'vitest'
import { SZ_1G, SZ_2M, phys, virt } from '../../../src/core/memory/addr'
import {
  Attr,
  EINVAL,
  ENOMEM,
  NO_BLOCK_MAPPINGS,
  NO_CONT_MAPPINGS,
  NO_EXEC_MAPPINGS,
  PAGE_KERNEL,
  PAGE_KERNEL_RO,
  PageTable,
  counters,
  createMapping,
  extents,
  leafAt,
  lookup,
} from '../../../src/core/pgtable'
import { bump } from './bump'

const MiB = 1 << 20
// The linear map: VA offset = PA - PHYS_OFFSET, PHYS_OFFSET = 0x40000000.
const PHYS_OFFSET = 0x40000000

const zero = { pudBlocks: 0, pmdBlocks: 0, contPmdRuns: 0, ptes: 0, contPteRuns: 0, pudTables: 0, pmdTables: 0, pteTables: 0 }

describe('createMapping', () => {
  it('maps 4 GiB at a 1 GiB aligned PA as 4 PUD blocks in one PUD table', () => {
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    expect(createMapping(pt, virt(0), phys(PHYS_OFFSET), 4 * SZ_1G, PAGE_KERNEL, 0, a.alloc)).toBe(0)
    expect(counters(pt)).toMatchObject({ ...zero, pudBlocks: 4, pudTables: 1, tablePagesByAllocator: { memblock: 1, buddy: 0 } })
    expect(extents(pt, virt(0), virt(4 * SZ_1G))).toEqual([
      { va: 0, pa: PHYS_OFFSET, size: 4 * SZ_1G, leaf: 'PUD', valid: true, shared: false, readOnly: false, noExec: true },
    ])
  })

  it('maps 62 MiB at 0x40200000 as 15 PMD blocks then one CONT_PMD run of 16', () => {
    // VA [2 MiB, 64 MiB). Not 1 GiB aligned -> a PMD table. CONT_PMD chunks (32 MiB):
    //  [2 MiB, 32 MiB): addr not 32 MiB aligned -> no CONT; 15 entries, all 2 MiB aligned -> 15 PMD blocks;
    //  [32 MiB, 64 MiB): addr, next and phys 0x42000000 are 32 MiB aligned -> 16 PMD blocks with CONT.
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    expect(createMapping(pt, virt(2 * MiB), phys(0x40200000), 62 * MiB, PAGE_KERNEL, NO_EXEC_MAPPINGS, a.alloc)).toBe(0)
    expect(counters(pt)).toMatchObject({ ...zero, pmdBlocks: 31, contPmdRuns: 1, pudTables: 1, pmdTables: 1 })
    expect(extents(pt, virt(0), virt(SZ_1G)).map((e) => [e.va, e.size, e.leaf])).toEqual([
      [2 * MiB, 30 * MiB, 'PMD'],
      [32 * MiB, 32 * MiB, 'CONT_PMD'],
    ])
    // The walk an Oops would print: PUD table at 0x9ff00000, PMD table at 0x9ff01000, both PXNTable.
    const walk = lookup(pt, virt(32 * MiB + 0x5000))
    expect(walk.map((s) => [s.level, s.index, s.desc, s.tablePa])).toEqual([
      [0, 0, 0x180000009ff00403n, 0x81f3f000],
      [1, 0, 0x180000009ff01403n, 0x9ff00000],
      [2, 16, 0x00f8000042000705n, 0x9ff01000],
    ])
    expect(leafAt(pt, virt(32 * MiB + 0x5000))).toEqual({ level: 2, kind: 'CONT_PMD', va: 32 * MiB, pa: 0x42000000, size: SZ_2M, attrs: PAGE_KERNEL | Attr.CONT })
    expect(leafAt(pt, virt(0))).toBeNull()
  })

  it('with NO_BLOCK|NO_CONT maps only PTEs, one PTE table per 2 MiB touched', () => {
    // VA [2 MiB, 8 MiB + 8 KiB): PMD entries 1, 2, 3 fully and 4 partly -> 4 PTE tables; 1536 + 2 PTEs.
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    expect(createMapping(pt, virt(2 * MiB), phys(0x40200000), 6 * MiB + 0x2000, PAGE_KERNEL, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS, a.alloc)).toBe(0)
    expect(counters(pt)).toMatchObject({ ...zero, ptes: 1538, pudTables: 1, pmdTables: 1, pteTables: 4 })
    expect(extents(pt, virt(0), virt(SZ_1G))).toEqual([
      { va: 2 * MiB, pa: 0x40200000, size: 6 * MiB + 0x2000, leaf: 'PTE', valid: true, shared: false, readOnly: false, noExec: true },
    ])
  })

  it('without flags the same range gets 3 PMD blocks and 2 plain PTEs', () => {
    // [8 MiB, 8 MiB + 8 KiB): the CONT_PTE chunk ends at +8 KiB, not 64 KiB aligned -> no CONT.
    const pt = new PageTable()
    expect(createMapping(pt, virt(2 * MiB), phys(0x40200000), 6 * MiB + 0x2000, PAGE_KERNEL, 0, bump(0x9ff00000).alloc)).toBe(0)
    expect(counters(pt)).toMatchObject({ ...zero, pmdBlocks: 3, ptes: 2, pudTables: 1, pmdTables: 1, pteTables: 1 })
  })

  it('puts CONT on the 64 KiB aligned chunks of a PTE table only', () => {
    // VA [0xf000, 0x41000): 1 PTE head, 3 CONT_PTE runs [0x10000, 0x40000), 1 PTE tail = 50 PTEs.
    const pt = new PageTable()
    expect(createMapping(pt, virt(0xf000), phys(PHYS_OFFSET + 0xf000), 0x32000, PAGE_KERNEL, 0, bump(0x9ff00000).alloc)).toBe(0)
    expect(counters(pt)).toMatchObject({ ...zero, ptes: 50, contPteRuns: 3, pudTables: 1, pmdTables: 1, pteTables: 1 })
    expect(extents(pt, virt(0), virt(SZ_2M)).map((e) => [e.va, e.size, e.leaf])).toEqual([
      [0xf000, 0x1000, 'PTE'],
      [0x10000, 0x30000, 'CONT_PTE'],
      [0x40000, 0x1000, 'PTE'],
    ])
  })

  it('fills a whole fresh GiB of PTEs with one bulk allocation and reads it back exactly', () => {
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    expect(createMapping(pt, virt(SZ_1G), phys(PHYS_OFFSET + SZ_1G), SZ_1G, PAGE_KERNEL, NO_BLOCK_MAPPINGS, a.alloc)).toBe(0)
    expect(a.calls.map((c) => [c.type, c.count])).toEqual([
      ['TABLE_PUD', 1],
      ['TABLE_PMD', 1],
      ['TABLE_PTE', 512],
    ])
    // NO_BLOCK alone keeps the contiguous hint: every 64 KiB chunk is aligned.
    expect(counters(pt)).toMatchObject({ ...zero, ptes: 262144, contPteRuns: 16384, pudTables: 1, pmdTables: 1, pteTables: 512 })
    const va = SZ_1G + 5 * SZ_2M + 0x3000
    const walk = lookup(pt, virt(va))
    expect(walk.map((s) => [s.level, s.index, s.tablePa])).toEqual([
      [0, 0, 0x81f3f000],
      [1, 1, 0x9ff00000],
      [2, 5, 0x9ff01000],
      [3, 3, 0x9ff02000 + 5 * 0x1000],
    ])
    expect(walk[3].desc).toBe(0x00f8000000000707n | BigInt(PHYS_OFFSET + va))
  })

  it('may remap with new permissions (update_mapping_prot) but BUG()s on unsafe changes', () => {
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    expect(createMapping(pt, virt(0), phys(PHYS_OFFSET), 8 * MiB, PAGE_KERNEL, NO_CONT_MAPPINGS, a.alloc)).toBe(0)
    expect(createMapping(pt, virt(0), phys(PHYS_OFFSET), 4 * MiB, PAGE_KERNEL_RO, NO_CONT_MAPPINGS, a.alloc)).toBe(0)
    expect(extents(pt, virt(0), virt(8 * MiB)).map((e) => [e.size, e.readOnly])).toEqual([
      [4 * MiB, true],
      [4 * MiB, false],
    ])
    // Another PA under a live block.
    expect(() => createMapping(pt, virt(0), phys(PHYS_OFFSET + 16 * MiB), 2 * MiB, PAGE_KERNEL, NO_CONT_MAPPINGS, a.alloc)).toThrow(/pgattr_change_is_safe/)
    // PTEs under a block: BUG_ON(pmd_sect(pmd)).
    expect(() => createMapping(pt, virt(0), phys(PHYS_OFFSET), 0x1000, PAGE_KERNEL, 0, a.alloc)).toThrow(/pmd_sect/)
    // A block over a PTE table: the table descriptor is not a safe predecessor.
    expect(createMapping(pt, virt(8 * MiB), phys(PHYS_OFFSET + 8 * MiB), 0x1000, PAGE_KERNEL, 0, a.alloc)).toBe(0)
    expect(() => createMapping(pt, virt(8 * MiB), phys(PHYS_OFFSET + 8 * MiB), 2 * MiB, PAGE_KERNEL, 0, a.alloc)).toThrow(/pgattr_change_is_safe/)
    // An invalid block passes pgattr_change_is_safe() but would leak the PTE table: refused, counts intact.
    const before = counters(pt)
    expect(() => createMapping(pt, virt(8 * MiB), phys(PHYS_OFFSET + 8 * MiB), 2 * MiB, PAGE_KERNEL & ~Attr.VALID, 0, a.alloc)).toThrow(/not modelled/)
    expect(counters(pt)).toEqual(before)
  })

  it('writes the blocks before an unsafe one, as the kernel\'s entry-by-entry loop does, then BUG()s at that one', () => {
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    // [0, 4 MiB) and [4 MiB, 8 MiB) from output ranges that do not follow on.
    expect(createMapping(pt, virt(0), phys(PHYS_OFFSET), 4 * MiB, PAGE_KERNEL, NO_CONT_MAPPINGS, a.alloc)).toBe(0)
    expect(createMapping(pt, virt(4 * MiB), phys(PHYS_OFFSET + 64 * MiB), 4 * MiB, PAGE_KERNEL, NO_CONT_MAPPINGS, a.alloc)).toBe(0)
    // Read-only over all 8 MiB from the first range: blocks 0 and 1 change safely, block 2 would move.
    expect(() => createMapping(pt, virt(0), phys(PHYS_OFFSET), 8 * MiB, PAGE_KERNEL_RO, NO_CONT_MAPPINGS, a.alloc)).toThrow(/pgattr_change_is_safe\(\)\) remapping ffff000000400000:/)
    expect(extents(pt, virt(0), virt(8 * MiB)).map((e) => [e.va, e.pa, e.readOnly])).toEqual([
      [0, PHYS_OFFSET, true],
      [4 * MiB, PHYS_OFFSET + 64 * MiB, false],
    ])
  })

  it('returns -EINVAL when PA and VA differ within a page, -ENOMEM when alloc fails', () => {
    const pt = new PageTable()
    expect(createMapping(pt, virt(0x1000), phys(PHYS_OFFSET + 0x1800), 0x1000, PAGE_KERNEL, 0, bump(0x9ff00000).alloc)).toBe(-EINVAL)
    // Two pages: PUD table and PMD table, then the PTE table fails.
    const a = bump(0x9ff00000, 2)
    expect(createMapping(pt, virt(0x1000), phys(PHYS_OFFSET + 0x1000), 0x1000, PAGE_KERNEL, 0, a.alloc)).toBe(-ENOMEM)
    expect(counters(pt)).toMatchObject({ ...zero, pudTables: 1, pmdTables: 1 })
    expect(leafAt(pt, virt(0x1000))).toBeNull()
  })

  it('falls back to one page at a time when a bulk allocation fails, failing where the kernel would', () => {
    // PUD + PMD tables, then 10 PTE tables: the 11th PMD entry's table fails.
    const pt = new PageTable()
    const a = bump(0x9ff00000, 12)
    expect(createMapping(pt, virt(0), phys(PHYS_OFFSET), SZ_1G, PAGE_KERNEL, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS, a.alloc)).toBe(-ENOMEM)
    expect(a.calls.filter((c) => c.count === 512)).toEqual([{ type: 'TABLE_PTE', count: 512, ok: false }])
    expect(counters(pt)).toMatchObject({ ...zero, ptes: 10 * 512, pudTables: 1, pmdTables: 1, pteTables: 10 })
    expect(extents(pt, virt(0), virt(SZ_1G))).toHaveLength(1)
    expect(extents(pt, virt(0), virt(SZ_1G))[0].size).toBe(20 * MiB)
  })
})

describe('table PAs', () => {
  it('come from the allocator and are counted by its tag', () => {
    const pt = new PageTable({ swapperPgDirPa: phys(0x41e3f000) })
    const memblock = bump(0x9ff00000, Infinity, 'memblock')
    const buddy = bump(0x7f000000, Infinity, 'buddy')
    createMapping(pt, virt(0), phys(PHYS_OFFSET), 3 * MiB, PAGE_KERNEL, 0, memblock.alloc)
    createMapping(pt, virt(SZ_1G), phys(PHYS_OFFSET + SZ_1G), 0x1000, PAGE_KERNEL, 0, buddy.alloc)
    expect(counters(pt).tablePagesByAllocator).toEqual({ memblock: 3, buddy: 2 })
    expect(lookup(pt, virt(SZ_1G)).map((s) => s.tablePa)).toEqual([0x41e3f000, 0x9ff00000, 0x7f000000, 0x7f001000])
  })
})
