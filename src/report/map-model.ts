/*
 * The memory map's view-model, read by the app's MemoryMapView (canvas) and the report's
 * SVG: the RAM regions of a MapSnapshot (runs of extents contiguous in VA; the linear map
 * has a hole wherever RAM has one), the extent under an address, the bytes per leaf kind,
 * the table walk to an address, and the zoomed views of a region. The extents are the
 * core's; the leaf kinds and the walk's indices are core/pgtable/leaf.ts's.
 *
 * Addresses are linear-map VA offsets (the VA's low 48 bits, src/core/memory/addr.ts).
 */
import { formatPhys, formatSize, formatVirt, LEAF_KIND, LEAF_KINDS, type LeafKind, type MapExtent, PAGE_SIZE, phys, virt, walkIndices, type WalkIndex } from '../core'

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

/** A VA range: linear-map VA offset and size, as in MapExtent. */
export interface VaRange {
  va: number
  size: number
}

/** A horizontal run of one bar: pixels [x0, x1) drawn as `leaf`, covering VAs [va, end). */
export interface BarRun {
  x0: number
  x1: number
  leaf: LeafKind
  va: number
  end: number
  /** Holds extents of more than one kind (a sub-pixel bin). */
  mixed: boolean
}

/**
 * Pixel runs of one bar. Extents at least a pixel wide keep their place;
 * narrower ones fall into one-pixel bins drawn as the finest kind they hold.
 */
export function barRuns(extents: readonly MapExtent[], toX: (va: number) => number): BarRun[] {
  const runs: BarRun[] = []
  for (const e of extents) {
    const last = runs[runs.length - 1]
    const x0 = toX(e.va)
    const x1 = toX(e.va + e.size)
    const end = e.va + e.size
    if (last && last.leaf === e.leaf && last.x1 >= Math.floor(x0)) {
      last.x1 = Math.max(last.x1, x1, Math.floor(x0) + 1)
      last.end = end
    } else if (x1 - x0 < 1 && last && last.x1 > Math.floor(x0) && last.x1 - last.x0 <= 1) {
      last.leaf = finerLeaf(last.leaf, e.leaf)
      last.mixed = true
      last.end = end
    } else {
      const start = Math.max(x0 < x1 - 1 ? x0 : Math.floor(x0), last?.x1 ?? 0)
      runs.push({ x0: start, x1: Math.max(x1, start + 1), leaf: e.leaf, va: e.va, end, mixed: false })
    }
  }
  return runs
}

/** Runs of marked ranges, each at least a pixel wide, touching ones merged. */
export function markRuns(ranges: Iterable<VaRange>, toX: (va: number) => number): { x0: number; x1: number }[] {
  const runs: { x0: number; x1: number }[] = []
  for (const r of ranges) {
    const x0 = toX(r.va)
    const x1 = Math.max(toX(r.va + r.size), x0 + 1)
    const last = runs[runs.length - 1]
    if (last && x0 <= last.x1) last.x1 = Math.max(last.x1, x1)
    else runs.push({ x0, x1 })
  }
  return runs
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

export interface AddressWalk {
  /** Full kernel VA and PA of the hovered page. */
  va: string
  pa: string
  levels: WalkIndex[]
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

/** The walk to the page holding `va` (a linear-map VA offset inside `extent`). */
export function walkTo(extent: MapExtent, va: number): AddressWalk {
  const page = va - (va % PAGE_SIZE)
  const kind = LEAF_KIND[extent.leaf]
  const leafStart = page - (page % kind.size)
  const ofRun = kind.contiguous ? ` (entry ${Math.floor((page - leafStart) / kind.entrySize) + 1} of the ${kind.size / kind.entrySize})` : ''
  return {
    va: formatVirt(virt(page)),
    pa: formatPhys(phys(extent.pa + (page - extent.va))),
    levels: walkIndices(page, extent.leaf),
    leaf: extent.leaf,
    leafText: kind.what + ofRun,
    leafVa: formatVirt(virt(leafStart)),
    leafSize: formatSize(kind.size),
    valid: extent.valid,
    shared: extent.shared,
    readOnly: extent.readOnly,
    noExec: extent.noExec,
    kernelImage: extent.kernelImage === true,
  }
}

/** The finer of two leaf kinds (LEAF_KINDS is coarsest first): what a sub-pixel bin shows. */
export function finerLeaf(a: LeafKind, b: LeafKind): LeafKind {
  const order = (k: LeafKind) => LEAF_KINDS.findIndex((i) => i.kind === k)
  return order(a) >= order(b) ? a : b
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

/**
 * Where to look for the first run of extents that `matches` (a legend entry clicked: "show me the
 * PTEs", "where is the shared pool"): the region it lies in and a view of the run with as much
 * again on each side, so a 64 MiB pool in 4 GiB of RAM is wide enough to see.
 */
export function viewOfFirst(extents: readonly MapExtent[], matches: (e: MapExtent) => boolean): { region: MapRegion; view: MapView } | null {
  const i = extents.findIndex((e) => !e.kernelImage && matches(e))
  if (i < 0) return null
  const region = regionsOf(extents).find((r) => r.first <= i && i < r.last)!
  let j = i
  while (j + 1 < region.last && extents[j + 1].va === extents[j].va + extents[j].size && !extents[j + 1].kernelImage && matches(extents[j + 1])) j++
  const start = extents[i].va
  const end = extents[j].va + extents[j].size
  return { region, view: viewBetween(start - (end - start), end + (end - start), region) }
}

function clampView(start: number, span: number, bounds: MapView): MapView {
  const aligned = Math.round(span / PAGE_SIZE) * PAGE_SIZE
  const first = Math.min(Math.max(bounds.start, Math.round(start / PAGE_SIZE) * PAGE_SIZE), bounds.end - aligned)
  return { start: first, end: first + aligned }
}

/** Rows of one map bar, top to bottom, in pixels: the app's canvas and the report's SVG share them. */
export const BAR_ROWS = { highlight: 6, bar: 26, mark: 7 } as const

/** The extents of `all[first .. last)` that meet `view`, clipped to it. */
export function extentsInView(all: readonly MapExtent[], first: number, last: number, view: MapView): MapExtent[] {
  const out: MapExtent[] = []
  for (let i = Math.max(first, firstExtentEndingAfter(all, view.start)); i < last && all[i].va < view.end; i++) {
    const e = all[i]
    const va = Math.max(e.va, view.start)
    out.push({ ...e, va: virt(va), pa: phys(e.pa + (va - e.va)), size: Math.min(e.va + e.size, view.end) - va })
  }
  return out
}
