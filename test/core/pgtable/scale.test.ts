// 1 TiB linear map: block map, repaint to PTEs (268 million in the kernel), then a 64 MiB change.
import { describe, expect, it } from 'vitest'
import { SZ_1G, phys, virt } from '../../../src/core/memory/addr'
import {
  NO_BLOCK_MAPPINGS,
  NO_CONT_MAPPINGS,
  PAGE_KERNEL,
  PTE_RDONLY,
  PTE_WRITE,
  PageTable,
  counters,
  createMapping,
  extents,
  lookup,
  rangeSplitToPtes,
  splitKernelLeafMappingLocked,
  walkRange,
} from '../../../src/core/pgtable'
import { bump } from './bump'

const TiB = 1024 * SZ_1G
const MiB = 1 << 20
const PHYS_OFFSET = 0x40000000

describe('1 TiB linear map', () => {
  it('repaints to PTEs and changes 64 MiB in the middle with exact counters and extents', () => {
    const t0 = performance.now()
    const pt = new PageTable()
    const memblock = bump(0x100_0000_0000, Infinity, 'memblock')
    const atomic = bump(0x200_0000_0000, Infinity, 'buddy')

    // 1024 PUD blocks in 2 PUD tables (one per 512 GiB PGD entry).
    expect(createMapping(pt, virt(0), phys(PHYS_OFFSET), TiB, PAGE_KERNEL, 0, memblock.alloc)).toBe(0)
    expect(counters(pt)).toMatchObject({ pudBlocks: 1024, pudTables: 2, pmdTables: 0, pteTables: 0 })

    // Every GiB: 1 PMD table + 512 PTE tables; 2^40 / 2^12 = 268435456 PTEs written.
    const r = rangeSplitToPtes(pt, virt(0), virt(TiB), atomic.alloc)
    expect(r).toEqual({ ret: 0, tablesAllocated: 1024 + 1024 * 512, ptesWritten: 268435456 })

    // 64 MiB straddling the PGD boundary at 512 GiB, starting 3 pages into a 2 MiB block.
    const start = 512 * SZ_1G - 32 * MiB + 0x3000
    const end = start + 64 * MiB
    expect(splitKernelLeafMappingLocked(pt, virt(start), atomic.alloc)).toBe(0)
    expect(splitKernelLeafMappingLocked(pt, virt(end), atomic.alloc)).toBe(0)
    expect(walkRange(pt, virt(start), virt(end), { pteMasks: { set: PTE_RDONLY, clear: PTE_WRITE } })).toBe(0)

    const elapsed = performance.now() - t0
    const heap = process.memoryUsage().heapUsed
    console.log(`1 TiB map + repaint + 64 MiB change: ${elapsed.toFixed(1)} ms, heapUsed ${(heap / 2 ** 20).toFixed(1)} MiB`)

    expect(counters(pt)).toEqual({
      pudBlocks: 0,
      pmdBlocks: 0,
      contPmdRuns: 0,
      ptes: 268435456,
      contPteRuns: 0,
      pudTables: 2,
      pmdTables: 1024,
      pteTables: 524288,
      tablePagesByAllocator: { memblock: 2, buddy: 525312 },
      splits: { pud: 1024, contPmd: 0, pmd: 524288, contPte: 0 },
    })
    expect(extents(pt, virt(0), virt(TiB))).toEqual([
      { va: 0, pa: PHYS_OFFSET, size: start, leaf: 'PTE', valid: true, shared: false, readOnly: false, noExec: true },
      { va: start, pa: PHYS_OFFSET + start, size: 64 * MiB, leaf: 'PTE', valid: true, shared: false, readOnly: true, noExec: true },
      { va: end, pa: PHYS_OFFSET + end, size: TiB - end, leaf: 'PTE', valid: true, shared: false, readOnly: false, noExec: true },
    ])
    // Table PAs are the allocator's: the last page of the map sits in the last PTE table handed out.
    expect(lookup(pt, virt(TiB - 0x1000))[3].tablePa).toBe(atomic.next() - 0x1000)

    // Changing the range back makes the map one uniform run again.
    expect(walkRange(pt, virt(start), virt(end), { pteMasks: { set: PTE_WRITE, clear: PTE_RDONLY } })).toBe(0)
    expect(extents(pt, virt(0), virt(TiB))).toHaveLength(1)
  })
  it('maps 1 TiB PTE-only at creation (force_pte_mapping) with 2048 allocation calls', () => {
    const t0 = performance.now()
    const pt = new PageTable()
    const memblock = bump(0x100_0000_0000)
    expect(createMapping(pt, virt(0), phys(PHYS_OFFSET), TiB, PAGE_KERNEL, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS, memblock.alloc)).toBe(0)
    console.log(`1 TiB PTE-only map: ${(performance.now() - t0).toFixed(1)} ms`)
    // PUD tables: 2 calls; per GiB one PMD table and one 512-page PTE request.
    expect(memblock.calls).toHaveLength(2 + 2 * 1024)
    expect(counters(pt)).toMatchObject({ ptes: 268435456, contPteRuns: 0, pudTables: 2, pmdTables: 1024, pteTables: 524288 })
    expect(extents(pt, virt(0), virt(TiB))).toHaveLength(1)
  })
})
