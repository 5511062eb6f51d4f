// extents() and rangeSummary() agree with a page-by-page reference built from leafAt() on random maps and ranges.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { MapExtent } from '../../../src/core/result'
import { PAGE_SIZE, phys, virt } from '../../../src/core/memory/addr'
import {
  Attr,
  NO_BLOCK_MAPPINGS,
  NO_CONT_MAPPINGS,
  PAGE_KERNEL,
  PAGE_KERNEL_RO,
  PTE_RDONLY,
  PTE_VALID,
  PTE_WRITE,
  PageTable,
  createMapping,
  extents,
  leafAt,
  rangeSummary,
  splitKernelLeafMappingLocked,
  walkRange,
} from '../../../src/core/pgtable'
import { bump } from './bump'

const MiB = 1 << 20
const REGION = 96 * MiB
const PAGES = REGION / PAGE_SIZE
const MASKS = [
  { set: PTE_RDONLY, clear: PTE_WRITE },
  { set: 0n, clear: PTE_VALID },
]

/** One extent per page, merged exactly as extents() promises: same kind and attributes, contiguous VA and PA. */
function referenceExtents(pt: PageTable, start: number, end: number): MapExtent[] {
  const out: MapExtent[] = []
  let lastAttrs = -1
  for (let va = start; va < end; va = Math.min(end, Math.floor(va / PAGE_SIZE) * PAGE_SIZE + PAGE_SIZE)) {
    const next = Math.min(end, Math.floor(va / PAGE_SIZE) * PAGE_SIZE + PAGE_SIZE)
    const leaf = leafAt(pt, virt(va))
    if (!leaf) {
      lastAttrs = -1
      continue
    }
    const pa = leaf.pa + (va - leaf.va)
    const last = out[out.length - 1]
    if (last && lastAttrs === leaf.attrs && last.leaf === leaf.kind && last.va + last.size === va && last.pa + last.size === pa) {
      last.size += next - va
      continue
    }
    out.push({
      va: virt(va),
      pa: phys(pa),
      size: next - va,
      leaf: leaf.kind,
      valid: (leaf.attrs & Attr.VALID) !== 0,
      shared: (leaf.attrs & Attr.NS_SHARED) !== 0,
      readOnly: (leaf.attrs & Attr.RDONLY) !== 0,
      noExec: (leaf.attrs & Attr.PXN) !== 0,
    })
    lastAttrs = leaf.attrs
  }
  return out
}

/** Back-to-back pieces of the region: mapped or a hole, each mapped piece maybe jumping in PA from the previous one. */
const piece = fc.record({
  pages: fc.oneof(fc.constantFrom(1, 16, 512, 1024, 8192), fc.integer({ min: 1, max: 3000 })),
  hole: fc.boolean(),
  paJump: fc.constantFrom(0, 0, 2 * MiB, 16 * PAGE_SIZE, PAGE_SIZE),
  readOnly: fc.boolean(),
  flags: fc.constantFrom(0, NO_CONT_MAPPINGS, NO_BLOCK_MAPPINGS),
})
const change = fc.record({ firstPage: fc.integer({ min: 0, max: PAGES - 1 }), pages: fc.integer({ min: 1, max: 600 }), mask: fc.constantFrom(0, 1) })
const range = fc.record({ start: fc.integer({ min: 0, max: REGION - 1 }), length: fc.integer({ min: 1, max: REGION }) })

describe('extents and rangeSummary against a page-by-page reference', () => {
  it('agree on random maps with holes, PA jumps, mixed attributes and clipped ranges', () => {
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 10 }), fc.array(change, { maxLength: 4 }), range, (pieces, changes, r) => {
        const pt = new PageTable()
        const alloc = bump(0x100_0000_0000).alloc
        let page = 0
        let paOffset = 0x40000000
        for (const p of pieces) {
          const pages = Math.min(p.pages, PAGES - page)
          if (pages <= 0) break
          paOffset += p.paJump
          const va = page * PAGE_SIZE
          if (!p.hole) expect(createMapping(pt, virt(va), phys(paOffset + va), pages * PAGE_SIZE, p.readOnly ? PAGE_KERNEL_RO : PAGE_KERNEL, p.flags, alloc)).toBe(0)
          page += pages
        }
        for (const c of changes) {
          const start = c.firstPage * PAGE_SIZE
          const end = Math.min(REGION, start + c.pages * PAGE_SIZE)
          splitKernelLeafMappingLocked(pt, virt(start), alloc)
          splitKernelLeafMappingLocked(pt, virt(end), alloc)
          walkRange(pt, virt(start), virt(end), { pteMasks: MASKS[c.mask] })
        }
        const end = Math.min(REGION, r.start + r.length)
        const expected = referenceExtents(pt, r.start, end)
        expect(extents(pt, virt(r.start), virt(end))).toEqual(expected)

        const summary = rangeSummary(pt, virt(r.start), virt(end))
        const covered = expected.reduce((n, e) => n + e.size, 0) === end - r.start
        expect(summary.allValid).toBe(covered && expected.every((e) => e.valid))
        expect(summary.leafKinds).toEqual(new Set(expected.map((e) => e.leaf)))
      }),
      { numRuns: 100, seed: 6 },
    )
  })
})
