// extents() merging and rangeSummary() answers on small hand-built maps.
import { describe, expect, it } from 'vitest'
import { SZ_1G, SZ_2M, phys, virt } from '../../../src/core/memory/addr'
import {
  NO_BLOCK_MAPPINGS,
  NO_CONT_MAPPINGS,
  PAGE_KERNEL,
  PAGE_KERNEL_RO,
  PTE_NG,
  PTE_VALID,
  PageTable,
  createMapping,
  extents,
  rangeSummary,
  walkRange,
} from '../../../src/core/pgtable'
import { bump } from './bump'

const X = 0x40000000
const MiB = 1 << 20

describe('extents', () => {
  it('merges adjacent leaves with the same kind, attributes and contiguous PA', () => {
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    createMapping(pt, virt(0), phys(X), 2 * MiB, PAGE_KERNEL, NO_CONT_MAPPINGS, a.alloc)
    createMapping(pt, virt(2 * MiB), phys(X + 2 * MiB), 2 * MiB, PAGE_KERNEL, NO_CONT_MAPPINGS, a.alloc) // contiguous: merges
    createMapping(pt, virt(4 * MiB), phys(X + 16 * MiB), 2 * MiB, PAGE_KERNEL, NO_CONT_MAPPINGS, a.alloc) // PA jump
    createMapping(pt, virt(6 * MiB), phys(X + 18 * MiB), 2 * MiB, PAGE_KERNEL_RO, NO_CONT_MAPPINGS, a.alloc) // attributes differ
    createMapping(pt, virt(10 * MiB), phys(X + 22 * MiB), 2 * MiB, PAGE_KERNEL_RO, NO_CONT_MAPPINGS, a.alloc) // after a hole
    expect(extents(pt, virt(0), virt(SZ_1G)).map((e) => [e.va / MiB, e.pa - X, e.size / MiB, e.readOnly])).toEqual([
      [0, 0, 4, false],
      [4, 16 * MiB, 2, false],
      [6, 18 * MiB, 2, true],
      [10, 22 * MiB, 2, true],
    ])
  })

  it('clips to the asked range, adjusting the PA', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(X), 4 * MiB, PAGE_KERNEL, NO_CONT_MAPPINGS, bump(0x9ff00000).alloc)
    expect(extents(pt, virt(MiB), virt(3 * MiB))).toEqual([
      { va: MiB, pa: X + MiB, size: 2 * MiB, leaf: 'PMD', valid: true, shared: false, readOnly: false, noExec: true },
    ])
    expect(extents(pt, virt(8 * MiB), virt(16 * MiB))).toEqual([])
  })

  it('does not merge a PMD block with the PTEs that continue it', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(X), SZ_2M + 0x1000, PAGE_KERNEL, NO_CONT_MAPPINGS, bump(0x9ff00000).alloc)
    expect(extents(pt, virt(0), virt(SZ_1G)).map((e) => e.leaf)).toEqual(['PMD', 'PTE'])
  })
})

describe('rangeSummary', () => {
  it('reports the first hole with the level the walk stopped at', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(X), 2 * MiB + 0x3000, PAGE_KERNEL, NO_CONT_MAPPINGS, bump(0x9ff00000).alloc)
    expect(rangeSummary(pt, virt(0), virt(2 * MiB + 0x3000))).toEqual({ allValid: true, allShared: false, firstNotShared: 0, leafKinds: new Set(['PMD', 'PTE']) })
    expect(rangeSummary(pt, virt(0), virt(2 * MiB + 0x5000)).firstInvalid).toEqual({ va: 2 * MiB + 0x3000, level: 3 })
    expect(rangeSummary(pt, virt(0), virt(6 * MiB)).firstInvalid).toEqual({ va: 2 * MiB + 0x3000, level: 3 })
    expect(rangeSummary(pt, virt(4 * MiB), virt(6 * MiB)).firstInvalid).toEqual({ va: 4 * MiB, level: 2 })
    expect(rangeSummary(pt, virt(SZ_1G), virt(2 * SZ_1G)).firstInvalid).toEqual({ va: SZ_1G, level: 1 })
    expect(rangeSummary(pt, virt(2 ** 39), virt(2 ** 39 + SZ_1G)).firstInvalid).toEqual({ va: 2 ** 39, level: 0 })
  })

  it('sees invalid and shared leaves the way a realm decrypt leaves them', () => {
    const pt = new PageTable({ nsSharedBit: 32 })
    createMapping(pt, virt(0), phys(X), 4 * MiB, PAGE_KERNEL, NO_CONT_MAPPINGS | NO_BLOCK_MAPPINGS, bump(0x9ff00000).alloc)
    const NS = 1n << 32n
    // __set_memory_enc_dec() after the 2/3 patch: invalidate as present-invalid and share, revalidate.
    walkRange(pt, virt(MiB), virt(2 * MiB), { pteMasks: { set: NS | PTE_NG, clear: PTE_VALID } })
    expect(rangeSummary(pt, virt(MiB), virt(2 * MiB))).toEqual({
      allValid: false,
      allShared: true,
      firstInvalid: { va: MiB, level: 3 },
      leafKinds: new Set(['PTE']),
    })
    walkRange(pt, virt(MiB), virt(2 * MiB), { pteMasks: { set: PTE_VALID, clear: PTE_NG } })
    expect(rangeSummary(pt, virt(MiB), virt(2 * MiB))).toMatchObject({ allValid: true, allShared: true })
    expect(rangeSummary(pt, virt(0), virt(4 * MiB))).toMatchObject({ allValid: true, allShared: false, firstNotShared: 0 })
    expect(rangeSummary(pt, virt(2 * MiB - 0x1000), virt(4 * MiB)).firstNotShared).toBe(2 * MiB)
  })
})
