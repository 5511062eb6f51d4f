import { describe, expect, it } from 'vitest'
import { type MapExtent, phys, virt } from '../../src/core'
import { bytesByLeaf, extentAt, firstExtentEndingAfter, MIN_VIEW_BYTES, regionsOf, viewBetween, viewOfFirst, viewSizeText, walkTo, zoomView } from '../../src/report/map-model'

const G = 2 ** 30
const M = 2 ** 20
const K = 2 ** 10

const extent = (va: number, size: number, leaf: MapExtent['leaf'], more: Partial<MapExtent> = {}): MapExtent => ({
  va: virt(va),
  pa: phys(va + G),
  size,
  leaf,
  valid: true,
  shared: false,
  readOnly: false,
  noExec: true,
  ...more,
})

// Two RAM regions: [0, 1 GiB) split at 2 MiB, and [4 GiB, 5 GiB) after a hole.
const EXTENTS: MapExtent[] = [
  extent(0, 2 * M, 'PMD', { kernelImage: true }),
  extent(2 * M, 64 * K, 'CONT_PTE'),
  extent(2 * M + 64 * K, 8 * K, 'PTE', { shared: true }),
  extent(2 * M + 72 * K, G - 2 * M - 72 * K, 'PTE', { valid: false }),
  extent(4 * G, G, 'PUD'),
]

describe('linear map regions and lookup', () => {
  it('one region per run of extents without a hole', () => {
    expect(regionsOf(EXTENTS)).toEqual([
      { start: 0, end: G, first: 0, last: 4 },
      { start: 4 * G, end: 5 * G, first: 4, last: 5 },
    ])
    expect(regionsOf([])).toEqual([])
  })

  it('finds the extent under an address, and none in a hole', () => {
    expect(extentAt(EXTENTS, 0)?.leaf).toBe('PMD')
    expect(extentAt(EXTENTS, 2 * M + 64 * K + 4 * K)?.shared).toBe(true)
    expect(extentAt(EXTENTS, 2 * G)).toBeNull()
    expect(extentAt(EXTENTS, 5 * G)).toBeNull()
    expect(firstExtentEndingAfter(EXTENTS, 2 * G)).toBe(4)
    expect(firstExtentEndingAfter(EXTENTS, 2 * M)).toBe(1)
  })

  it('counts bytes per leaf kind', () => {
    expect(bytesByLeaf(EXTENTS)).toEqual({ PUD: G, CONT_PMD: 0, PMD: 2 * M, CONT_PTE: 64 * K, PTE: G - 2 * M - 64 * K })
  })
})

describe('the walk to an address', () => {
  it('a 1 GiB block: pgd then pud, indices from VA bits 47..39 and 38..30', () => {
    const walk = walkTo(EXTENTS[4], 4 * G + 123 * M + 5)
    expect(walk.va).toBe('ffff000107b00000')
    expect(walk.pa).toBe('0x147b00000')
    expect(walk.levels).toEqual([
      { level: 'pgd', bits: '47..39', index: 0, entry: 'table' },
      { level: 'pud', bits: '38..30', index: 4, entry: 'block' },
    ])
    expect(walk.leafText).toBe('1 GiB block')
    expect(walk.leafVa).toBe('ffff000100000000')
    expect(walk.leafSize).toBe('1 GiB')
  })

  it('a page: four levels; a contiguous run names its entry', () => {
    const page = walkTo(EXTENTS[2], 2 * M + 68 * K)
    expect(page.levels.map((l) => [l.level, l.index, l.entry])).toEqual([
      ['pgd', 0, 'table'],
      ['pud', 0, 'table'],
      ['pmd', 1, 'table'],
      ['pte', 17, 'page'],
    ])
    expect(page.shared).toBe(true)
    const cont = walkTo(EXTENTS[1], 2 * M + 20 * K)
    expect(cont.leafText).toBe('16 contiguous 4 KiB pages (entry 6 of the 16)')
    expect(cont.leafSize).toBe('64 KiB')
  })

  it('indices past 32 bits of VA: pgd index 256 at 128 TiB', () => {
    const high = extent(2 ** 47, G, 'PUD')
    expect(walkTo(high, 2 ** 47).levels[0].index).toBe(256)
  })

  it('reports attributes and the kernel-image alias', () => {
    expect(walkTo(EXTENTS[3], 3 * M)).toMatchObject({ valid: false, shared: false, noExec: true, kernelImage: false })
    expect(walkTo(EXTENTS[0], 0).kernelImage).toBe(true)
  })
})

describe('zooming a view', () => {
  const bounds = { start: 0, end: G }

  it('zooms around a point and stays inside the region', () => {
    expect(zoomView(bounds, bounds, G / 2, 0.5)).toEqual({ start: G / 4, end: (3 * G) / 4 })
    expect(zoomView({ start: 0, end: G / 2 }, bounds, 0, 0.5)).toEqual({ start: 0, end: G / 4 })
    expect(zoomView({ start: G / 2, end: G }, bounds, G - 1, 4)).toEqual(bounds)
  })

  it('never narrower than 16 pages, always page aligned', () => {
    const tiny = zoomView({ start: 0, end: MIN_VIEW_BYTES }, bounds, 100, 0.01)
    expect(tiny.end - tiny.start).toBe(MIN_VIEW_BYTES)
    const drag = viewBetween(3 * M + 5, 2 * M + 7, bounds)
    expect(drag.start % 4096).toBe(0)
    expect(drag.end - drag.start).toBe(M)
    expect(viewBetween(G - 1, G - 2, bounds)).toEqual({ start: G - MIN_VIEW_BYTES, end: G })
  })

  it('finds the first run of a kind and frames it with as much again on each side, inside its region', () => {
    // The shared 8 KiB run: frames [2 MiB + 56 KiB, 2 MiB + 80 KiB), widened to 16 pages around it.
    const shared = viewOfFirst(EXTENTS, (e) => e.shared)!
    expect(shared.region.start).toBe(0)
    expect(shared.view.end - shared.view.start).toBe(MIN_VIEW_BYTES)
    expect(shared.view.start).toBeLessThanOrEqual(2 * M + 64 * K)
    expect(shared.view.end).toBeGreaterThanOrEqual(2 * M + 72 * K)
    // The PUD lies in the second region; the view never leaves it.
    const pud = viewOfFirst(EXTENTS, (e) => e.leaf === 'PUD')!
    expect(pud.region.start).toBe(4 * G)
    expect(pud.view).toEqual({ start: 4 * G, end: 5 * G })
    // The kernel-image alias is not what a leaf kind's entry points at; nothing matching gives null.
    expect(viewOfFirst(EXTENTS, (e) => e.leaf === 'PMD')).toBeNull()
    expect(viewOfFirst(EXTENTS, (e) => e.leaf === 'CONT_PMD')).toBeNull()
    // Consecutive matches are one run: the invalid PTEs after the shared ones start the PTE run's frame.
    const pte = viewOfFirst(EXTENTS, (e) => e.leaf === 'PTE')!
    expect(pte.view.start).toBe(0)
    expect(pte.view.end).toBe(G)
  })

  it('names a view width in the largest unit, one decimal at most', () => {
    expect(viewSizeText(4 * G)).toBe('4 GiB')
    expect(viewSizeText(1677720 * K)).toBe('1.6 GiB')
    expect(viewSizeText(64 * K)).toBe('64 KiB')
    expect(viewSizeText(100)).toBe('100 bytes')
  })
})
