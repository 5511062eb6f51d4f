// entryAttrs() (one descent for a CONT group) agrees with one leafAt() per entry, on random maps.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CONT_PMD_SIZE, CONT_PTE_SIZE, PAGE_SIZE, PMD_SIZE, phys, virt } from '../../../src/core/memory/addr'
import {
  NO_BLOCK_MAPPINGS,
  NO_CONT_MAPPINGS,
  PAGE_KERNEL,
  PAGE_KERNEL_RO,
  PTE_RDONLY,
  PTE_VALID,
  PTE_WRITE,
  PageTable,
  createMapping,
  entryAttrs,
  leafAt,
  rangeSplitToPtes,
  splitKernelLeafMappingLocked,
  walkRange,
} from '../../../src/core/pgtable'
import { bump } from './bump'

const MiB = 1 << 20
const REGION = 128 * MiB
const PAGES = REGION / PAGE_SIZE
const MASKS = [
  { set: PTE_RDONLY, clear: PTE_WRITE },
  { set: 0n, clear: PTE_VALID },
]

/** What pageattr's CONT check did before: leafAt() of every entry of the group. */
const reference = (pt: PageTable, va: number, size: number, count: number) => Array.from({ length: count }, (_, n) => leafAt(pt, virt(va + n * size))?.attrs ?? -1)

describe('entryAttrs', () => {
  it('gives every CONT group what leafAt() gives entry by entry (blocks, split tables, holes, a repaint)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ pages: fc.integer({ min: 1, max: 20_000 }), hole: fc.boolean(), readOnly: fc.boolean(), flags: fc.constantFrom(0, NO_CONT_MAPPINGS, NO_BLOCK_MAPPINGS) }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.record({ page: fc.integer({ min: 0, max: PAGES - 1 }), pages: fc.integer({ min: 1, max: 600 }), mask: fc.constantFrom(0, 1) }), { maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: REGION - 1 }), { minLength: 1, maxLength: 20 }),
        (pieces, changes, repaint, probes) => {
          const pt = new PageTable()
          const alloc = bump(0x100_0000_0000).alloc
          let page = 0
          for (const p of pieces) {
            const pages = Math.min(p.pages, PAGES - page)
            if (pages <= 0) break
            if (!p.hole) expect(createMapping(pt, virt(page * PAGE_SIZE), phys(0x40000000 + page * PAGE_SIZE), pages * PAGE_SIZE, p.readOnly ? PAGE_KERNEL_RO : PAGE_KERNEL, p.flags, alloc)).toBe(0)
            page += pages
          }
          if (repaint) rangeSplitToPtes(pt, virt(0), virt(REGION), alloc)
          for (const c of changes) {
            const start = c.page * PAGE_SIZE
            const end = Math.min(REGION, start + c.pages * PAGE_SIZE)
            splitKernelLeafMappingLocked(pt, virt(start), alloc)
            splitKernelLeafMappingLocked(pt, virt(end), alloc)
            walkRange(pt, virt(start), virt(end), { pteMasks: MASKS[c.mask] })
          }
          for (const va of probes) {
            const pte = va - (va % CONT_PTE_SIZE)
            expect(entryAttrs(pt, virt(pte), 3, 16)).toEqual(reference(pt, pte, PAGE_SIZE, 16))
            const pmd = va - (va % CONT_PMD_SIZE)
            expect(entryAttrs(pt, virt(pmd), 2, 16)).toEqual(reference(pt, pmd, PMD_SIZE, 16))
          }
        },
      ),
      { numRuns: 60, seed: 16 },
    )
  })
})
