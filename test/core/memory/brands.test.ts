/*
 * Address brands (src/core/memory/addr.ts) carried through the page-table API and the
 * BootResult records: a physical address cannot be passed where a virtual one is expected.
 * The `@ts-expect-error` lines are the test: `npm run typecheck` (vue-tsc) fails if a brand
 * is ever dropped, because the directive then has no error to expect. At run time the brands
 * are plain numbers, so the JSON of a BootResult is unchanged.
 */
import { describe, expect, it } from 'vitest'
import type { CallerRecord, MapExtent } from '../../../src/core'
import { phys, virt } from '../../../src/core/memory/addr'
import { createMapping, extents, leafAt, PAGE_KERNEL, PageTable, walkRange } from '../../../src/core/pgtable'

describe('PhysAddr and VirtAddr', () => {
  it('the page-table API takes a VirtAddr for a VA and a PhysAddr for a PA, not the other way round', () => {
    const pt = new PageTable()
    const pa = phys(0x4000_0000)
    const va = virt(0)
    const none = () => null
    // @ts-expect-error a PhysAddr where createMapping wants the VirtAddr
    expect(createMapping(pt, pa, pa, 0, PAGE_KERNEL, 0, none)).toBe(0)
    // @ts-expect-error a VirtAddr where createMapping wants the PhysAddr
    expect(createMapping(pt, va, va, 0, PAGE_KERNEL, 0, none)).toBe(0)
    // @ts-expect-error a PhysAddr is not a VA to look up
    expect(leafAt(pt, pa)).toBeNull()
    // @ts-expect-error a plain number is neither
    expect(extents(pt, 0, 0x1000)).toEqual([])
    // @ts-expect-error the walk's range is in VAs
    expect(walkRange(pt, va, pa, {})).toBe(0)
  })

  it('BootResult records carry the brands: an extent or caller record cannot take a PA as its VA', () => {
    const pa = phys(0x4000_0000)
    // @ts-expect-error MapExtent.va is a VirtAddr
    const bad: MapExtent = { va: pa, pa, size: 4096, leaf: 'PTE', valid: true, shared: false, readOnly: false, noExec: true }
    const good: MapExtent = { va: virt(0), pa, size: 4096, leaf: 'PTE', valid: true, shared: false, readOnly: false, noExec: true }
    // @ts-expect-error CallerRecord.pa is a PhysAddr
    const rec: Pick<CallerRecord, 'va' | 'pa'> = { va: virt(0), pa: virt(0) }
    // Type-only: the JSON is the plain numbers.
    expect(JSON.stringify(good)).toBe('{"va":0,"pa":1073741824,"size":4096,"leaf":"PTE","valid":true,"shared":false,"readOnly":false,"noExec":true}')
    expect([bad.va, rec.pa]).toEqual([0x4000_0000, 0])
  })
})
