// The incremental leaf counters equal a full recount after any mix of mapping, splits, repaints and attribute changes.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PAGE_SIZE, SZ_1G, phys, virt } from '../../../src/core/memory/addr'
import {
  Attr,
  NO_CONT_MAPPINGS,
  PAGE_KERNEL,
  PTE_RDONLY,
  PTE_VALID,
  PTE_WRITE,
  PageTable,
  createMapping,
  rangeSplitToPtes,
  splitKernelLeafMappingLocked,
  walkRange,
} from '../../../src/core/pgtable'
import type { LeafCounts, PgTable } from '../../../src/core/pgtable/table'
import { bump } from './bump'

const SIZE = 4 * SZ_1G
const PAGES = SIZE / PAGE_SIZE
const MASKS = [
  { set: PTE_RDONLY, clear: PTE_WRITE },
  { set: PTE_WRITE, clear: PTE_RDONLY },
  { set: 0n, clear: PTE_VALID },
  { set: PTE_VALID, clear: 0n },
]

/** Every leaf visited: what the counters would be if nothing were kept incrementally. */
function recount(pt: PageTable): LeafCounts {
  const c: LeafCounts = { pudBlocks: 0, pmdBlocks: 0, contPmdRuns: 0, ptes: 0, contPteRuns: 0 }
  const visit = (t: PgTable): void => {
    for (let g = 0; g < 512; g += 16) {
      let cont = 0
      for (let i = g; i < g + 16; i++) {
        if (t.isTable(i)) visit(t.child(i)!)
        if (!t.isLeaf(i)) continue
        if (t.level === 1) c.pudBlocks++
        else if (t.level === 2) c.pmdBlocks++
        else c.ptes++
        if (t.leafAttrs(i) & Attr.CONT) cont++
      }
      if (cont === 16 && t.level === 2) c.contPmdRuns++
      if (cont === 16 && t.level === 3) c.contPteRuns++
    }
  }
  visit(pt.pgd)
  return c
}

const operation = fc.record({
  kind: fc.constantFrom('repaint', 'pageattr'),
  firstPage: fc.integer({ min: 0, max: PAGES - 1 }),
  pages: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 2 * 512 * 16 })),
  mask: fc.integer({ min: 0, max: MASKS.length - 1 }),
})

describe('leaf counters', () => {
  it('match a full recount after every operation', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(operation, { minLength: 1, maxLength: 12 }), (noCont, ops) => {
        const pt = new PageTable()
        const alloc = bump(0x100_0000_0000).alloc
        expect(createMapping(pt, virt(0), phys(0x40000000), SIZE, PAGE_KERNEL, noCont ? NO_CONT_MAPPINGS : 0, alloc)).toBe(0)
        for (const op of ops) {
          const start = op.firstPage * PAGE_SIZE
          const end = Math.min(SIZE, start + op.pages * PAGE_SIZE)
          if (op.kind === 'repaint') rangeSplitToPtes(pt, virt(start), virt(end), alloc)
          else {
            splitKernelLeafMappingLocked(pt, virt(start), alloc)
            splitKernelLeafMappingLocked(pt, virt(end), alloc)
            walkRange(pt, virt(start), virt(end), { pteMasks: MASKS[op.mask] })
          }
          expect(pt.leaves).toEqual(recount(pt))
        }
      }),
      { numRuns: 60, seed: 6 },
    )
  })
})
