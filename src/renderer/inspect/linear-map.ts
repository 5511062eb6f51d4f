/*
 * What the memory map view draws from one MapSnapshot: the RAM regions (runs of
 * extents contiguous in VA; the linear map has a hole wherever RAM has one), the
 * extent under an address, and the table walk the MMU makes to reach it. The
 * extents are the core's; this module only arranges and explains them.
 *
 * Addresses are linear-map VA offsets (the VA's low 48 bits, src/core/memory/addr.ts),
 * so the table indices come straight from the offset's bits: PAGE_OFFSET has
 * zeros in bits 47..12.
 */
import { CONT_PMD_SIZE, CONT_PTE_SIZE, formatPhys, formatSize, formatVirt, type LeafKind, type MapExtent, PAGE_SIZE, phys, PMD_SIZE, PUD_SIZE, virt } from '../../core'

/** Leaf kinds from the largest mapping to the smallest, as the legend lists them. */
export const LEAF_KINDS: readonly LeafKind[] = ['PUD', 'CONT_PMD', 'PMD', 'CONT_PTE', 'PTE']

type Level = 'pgd' | 'pud' | 'pmd' | 'pte'

/** Per leaf kind: the bytes one leaf (or contiguous run) maps, the level holding it, and what it is. */
export const LEAF_GEOMETRY: Record<LeafKind, { size: number; level: Level; contiguous: boolean; what: string }> = {
  PUD: { size: PUD_SIZE, level: 'pud', contiguous: false, what: '1 GiB block' },
  CONT_PMD: { size: CONT_PMD_SIZE, level: 'pmd', contiguous: true, what: '16 contiguous 2 MiB blocks' },
  PMD: { size: PMD_SIZE, level: 'pmd', contiguous: false, what: '2 MiB block' },
  CONT_PTE: { size: CONT_PTE_SIZE, level: 'pte', contiguous: true, what: '16 contiguous 4 KiB pages' },
  PTE: { size: PAGE_SIZE, level: 'pte', contiguous: false, what: '4 KiB page' },
}

/** A run of extents with no hole between them: one bar of the map. */
export interface MapRegion {
  start: number
  end: number
  /** The region's extents are `extents[first .. last - 1]`. */
  first: number
  last: number
}

export function regionsOf(extents: readonly MapExtent[]): MapRegion[] {
  const regions: MapRegion[] = []
  extents.forEach((e, i) => {
    const open = regions[regions.length - 1]
    if (open && open.end === e.va) {
      open.end = e.va + e.size
      open.last = i + 1
    } else regions.push({ start: e.va, end: e.va + e.size, first: i, last: i + 1 })
  })
  return regions
}

/** Index of the first extent that ends after `va` (extents are sorted and disjoint), or extents.length. */
export function firstExtentEndingAfter(extents: readonly MapExtent[], va: number): number {
  let lo = 0
  let hi = extents.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (extents[mid].va + extents[mid].size <= va) lo = mid + 1
    else hi = mid
  }
  return lo
}

export function extentAt(extents: readonly MapExtent[], va: number): MapExtent | null {
  const e = extents[firstExtentEndingAfter(extents, va)]
  return e && e.va <= va ? e : null
}

/** Bytes mapped by each leaf kind. */
export function bytesByLeaf(extents: readonly MapExtent[]): Record<LeafKind, number> {
  const bytes: Record<LeafKind, number> = { PUD: 0, CONT_PMD: 0, PMD: 0, CONT_PTE: 0, PTE: 0 }
  for (const e of extents) bytes[e.leaf] += e.size
  return bytes
}

export interface WalkLevel {
  level: Level
  /** VA bits that index this level's table. */
  bits: string
  index: number
  /** What the entry at `index` is: a pointer to the next table, or the leaf. */
  entry: 'table' | 'block' | 'page'
}

export interface AddressWalk {
  /** Full kernel VA and PA of the hovered page. */
  va: string
  pa: string
  levels: WalkLevel[]
  leaf: LeafKind
  /** What the leaf is, e.g. `2 MiB block`; for a contiguous run, which entry of the 16. */
  leafText: string
  /** First VA and size of the leaf (of the whole run for CONT_*). */
  leafVa: string
  leafSize: string
  valid: boolean
  shared: boolean
  readOnly: boolean
  noExec: boolean
  kernelImage: boolean
}

const LEVEL_BITS: { level: Level; shift: number; bits: string }[] = [
  { level: 'pgd', shift: 39, bits: '47..39' },
  { level: 'pud', shift: 30, bits: '38..30' },
  { level: 'pmd', shift: 21, bits: '29..21' },
  { level: 'pte', shift: 12, bits: '20..12' },
]

// Offsets reach 2^48, past the 32 bits JS shift operators keep; divide instead.
const tableIndex = (va: number, shift: number) => Math.floor(va / 2 ** shift) % 512

/** The walk to the page holding `va` (a linear-map VA offset inside `extent`). */
export function walkTo(extent: MapExtent, va: number): AddressWalk {
  const page = va - (va % PAGE_SIZE)
  const geometry = LEAF_GEOMETRY[extent.leaf]
  const leafLevel = LEVEL_BITS.findIndex((l) => l.level === geometry.level)
  const levels = LEVEL_BITS.slice(0, leafLevel + 1).map(({ level, shift, bits }, i): WalkLevel => ({
    level,
    bits,
    index: tableIndex(page, shift),
    entry: i < leafLevel ? 'table' : level === 'pte' ? 'page' : 'block',
  }))
  const leafStart = page - (page % geometry.size)
  const entrySize = geometry.contiguous ? geometry.size / 16 : geometry.size
  const ofRun = geometry.contiguous ? ` (entry ${Math.floor((page - leafStart) / entrySize) + 1} of the 16)` : ''
  return {
    va: formatVirt(virt(page)),
    pa: formatPhys(phys(extent.pa + (page - extent.va))),
    levels,
    leaf: extent.leaf,
    leafText: geometry.what + ofRun,
    leafVa: formatVirt(virt(leafStart)),
    leafSize: formatSize(geometry.size),
    valid: extent.valid,
    shared: extent.shared,
    readOnly: extent.readOnly,
    noExec: extent.noExec,
    kernelImage: extent.kernelImage === true,
  }
}

const VIEW_UNITS: [number, string][] = [
  [2 ** 40, 'TiB'],
  [2 ** 30, 'GiB'],
  [2 ** 20, 'MiB'],
  [2 ** 10, 'KiB'],
]

/** A view's width for its axis: `2 GiB`, `1.6 GiB`, `64 KiB`. */
export function viewSizeText(bytes: number): string {
  const [unit, name] = VIEW_UNITS.find(([u]) => bytes >= u) ?? [1, 'bytes']
  return `${+(bytes / unit).toFixed(1)} ${name}`
}

/** The part of a region the view shows. */
export interface MapView {
  start: number
  end: number
}

/** The smallest view: 16 pages, so single PTEs are wide enough to hover. */
export const MIN_VIEW_BYTES = 16 * PAGE_SIZE

/** `view` scaled by `factor` (< 1 zooms in) around `at`, kept inside `bounds` and page aligned. */
export function zoomView(view: MapView, bounds: MapView, at: number, factor: number): MapView {
  const span = Math.min(bounds.end - bounds.start, Math.max(MIN_VIEW_BYTES, (view.end - view.start) * factor))
  const ratio = (at - view.start) / (view.end - view.start)
  return clampView(at - span * ratio, span, bounds)
}

/** The view over [from, to) (either order), at least MIN_VIEW_BYTES wide, inside `bounds`. */
export function viewBetween(from: number, to: number, bounds: MapView): MapView {
  const lo = Math.min(from, to)
  const span = Math.min(bounds.end - bounds.start, Math.max(MIN_VIEW_BYTES, Math.abs(to - from)))
  return clampView(lo, span, bounds)
}

function clampView(start: number, span: number, bounds: MapView): MapView {
  const aligned = Math.round(span / PAGE_SIZE) * PAGE_SIZE
  const first = Math.min(Math.max(bounds.start, Math.round(start / PAGE_SIZE) * PAGE_SIZE), bounds.end - aligned)
  return { start: first, end: first + aligned }
}
