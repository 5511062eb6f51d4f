/*
 * The memory map's bars on a canvas: the same picture as the report's SVG
 * (src/report/svg-memory-map.ts) from the same view-model (src/report/map-model.ts):
 * pixel runs coloured by leaf kind (sub-pixel extents binned, showing the finest kind),
 * a highlight row above (ranges that differ from a compared boot), rows under the bar for
 * shared (NS) ranges and invalid leaves, the kernel-image alias outlined, and leaf
 * boundaries once a leaf is wide enough to see. Drawing only: no DOM lookups, so it runs
 * against a recording context in the tests.
 */
import { LEAF_KIND, type MapExtent } from '../../core'
import { BAR_ROWS, barRuns, extentsInView, type MapRegion, type MapView, markRuns, type VaRange } from '../../report/map-model'
import type { Palette } from '../../report/palette'

/** The part of CanvasRenderingContext2D the map uses. */
export type MapCanvasContext = Pick<CanvasRenderingContext2D, 'fillRect' | 'strokeRect' | 'fillText' | 'clearRect' | 'setLineDash'> & {
  fillStyle: string | CanvasGradient | CanvasPattern
  strokeStyle: string | CanvasGradient | CanvasPattern
  lineWidth: number
  font: string
}

export const MAP_CANVAS_HEIGHT = BAR_ROWS.highlight + BAR_ROWS.bar + 2 * (BAR_ROWS.mark + 1)
const BAR_TOP = BAR_ROWS.highlight
const SHARED_TOP = BAR_TOP + BAR_ROWS.bar + 1
const INVALID_TOP = SHARED_TOP + BAR_ROWS.mark + 1
/** Leaf boundaries are drawn once a leaf is this many pixels wide. */
const MIN_LEAF_PIXELS = 6

export interface MapBarInput {
  /** Every extent of the snapshot (sorted, disjoint); the region is `extents[region.first .. region.last)`. */
  extents: readonly MapExtent[]
  region: MapRegion
  view: MapView
  width: number
  palette: Palette
  highlight?: readonly VaRange[]
}

/** Draw one region's bar over `view` into a `width` × MAP_CANVAS_HEIGHT context. */
export function drawMapBar(ctx: MapCanvasContext, input: MapBarInput): void {
  const { view, width, palette } = input
  const toX = (va: number) => ((va - view.start) / (view.end - view.start)) * width
  ctx.clearRect(0, 0, width, MAP_CANVAS_HEIGHT)
  const visible = extentsInView(input.extents, input.region.first, input.region.last, view)
  for (const run of barRuns(visible, toX)) {
    ctx.fillStyle = palette.leaf[run.leaf]
    ctx.fillRect(run.x0, BAR_TOP, run.x1 - run.x0, BAR_ROWS.bar)
  }
  for (const e of visible) {
    const kind = LEAF_KIND[e.leaf]
    const leafPixels = (kind.size / (view.end - view.start)) * width
    if (leafPixels < MIN_LEAF_PIXELS) continue
    // Leaf boundaries from the first one inside the view.
    ctx.fillStyle = 'rgba(0, 0, 0, 0.45)'
    const first = Math.ceil(e.va / kind.size) * kind.size
    for (let va = first; va < e.va + e.size; va += kind.size) ctx.fillRect(toX(va), BAR_TOP, leafPixels >= 12 ? 1 : 0.5, BAR_ROWS.bar)
  }
  const rows: [readonly VaRange[], number, number, string][] = [
    [visible.filter((e) => e.shared), SHARED_TOP, BAR_ROWS.mark, palette.shared],
    [visible.filter((e) => !e.valid), INVALID_TOP, BAR_ROWS.mark, palette.invalid],
    [clipRanges(input.highlight ?? [], view), 0, BAR_ROWS.highlight - 1, palette.highlight],
  ]
  for (const [ranges, y, height, colour] of rows) {
    ctx.fillStyle = colour
    for (const r of markRuns(ranges, toX)) ctx.fillRect(r.x0, y, r.x1 - r.x0, height)
  }
  const image = markRuns(visible.filter((e) => e.kernelImage), toX)
  if (image.length) {
    ctx.strokeStyle = palette.kernelImage
    ctx.lineWidth = 1.5
    ctx.setLineDash([4, 2])
    for (const r of image) ctx.strokeRect(r.x0 + 0.75, BAR_TOP - 1, Math.max(1, r.x1 - r.x0 - 1.5), BAR_ROWS.bar + 2)
    ctx.setLineDash([])
  }
}

function clipRanges(ranges: readonly VaRange[], view: MapView): VaRange[] {
  return ranges
    .filter((r) => r.va < view.end && r.va + r.size > view.start)
    .map((r) => ({ va: Math.max(r.va, view.start), size: Math.min(r.va + r.size, view.end) - Math.max(r.va, view.start) }))
    .sort((a, b) => a.va - b.va)
}
