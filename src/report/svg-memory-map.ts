/*
 * A linear-map snapshot as a self-contained SVG string: one bar per RAM region
 * (a run of VA-contiguous extents; a hole starts a new region) coloured by leaf
 * kind, with rows under it marking shared (realm NS) ranges and invalid leaves,
 * the kernel image alias outlined, and optional highlighted ranges (where a
 * compared boot's map differs).
 *
 * A 4 GiB region is ~4 MiB per pixel, so a 4 KiB PTE run is far below a pixel:
 * extents narrower than a pixel are gathered into one-pixel bins showing the
 * finest leaf kind inside, and marked ranges get at least one pixel, so a
 * single shared page stays visible. The output grows with the bar width, not
 * with the number of extents.
 */
import { REPORT_PALETTE } from './palette'

const { leaf: LEAF_COLOUR, shared: SHARED_COLOUR, invalid: INVALID_COLOUR, highlight: HIGHLIGHT_COLOUR } = REPORT_PALETTE
import { alignDown, alignUp, type BootResult, formatSize, formatVirt, LEAF_KINDS, type MapExtent, type MapSnapshot, phys, PMD_SIZE, virt } from '../core'
import { barRuns, markRuns, regionsOf, type VaRange } from './map-model'
import { escapeXml } from './escape'

export interface MemoryMapOptions {
  /** Ranges to highlight, e.g. the ranges where a compared boot's map differs. */
  highlight?: readonly VaRange[]
  /** The kernel image alias (see kernelImageAlias); extents flagged kernelImage are outlined either way. */
  kernelImage?: VaRange
  /** Width of the bars in pixels. */
  barWidth?: number
}


const MARGIN = 12
const REGION_LABEL = 18
const HIGHLIGHT_ROW = 6
const BAR = 26
const MARK_ROW = 7
const REGION_GAP = 14
const LEGEND = 40

const num = (n: number): string => String(Math.round(n * 100) / 100)

/** The kernel image alias as the boot mapped it (the `kernel image alias` map event). */
export function kernelImageAlias(result: BootResult): VaRange {
  return { va: result.kernelImage.va, size: result.kernelImage.size }
}

function vaText(va: number): string {
  return formatVirt(virt(va))
}

function overlapping(ranges: readonly VaRange[], start: number, end: number): VaRange[] {
  return ranges
    .filter((r) => r.va < end && r.va + r.size > start)
    .map((r) => ({ va: Math.max(r.va, start), size: Math.min(r.va + r.size, end) - Math.max(r.va, start) }))
    .sort((a, b) => a.va - b.va)
}

/** The part of each extent inside [start, end). */
function clip(extents: readonly MapExtent[], start: number, end: number): MapExtent[] {
  return extents
    .filter((e) => e.va < end && e.va + e.size > start)
    .map((e) => {
      const va = Math.max(e.va, start)
      return { ...e, va: virt(va), pa: phys(e.pa + (va - e.va)), size: Math.min(e.va + e.size, end) - va }
    })
}

/**
 * The VA range worth a zoomed bar: where the overview loses detail (page-level
 * extents under two pixels, i.e. splits) or marks something (shared, invalid,
 * differing), padded; none when that is already a large part of the region.
 */
function detailRange(extents: readonly MapExtent[], start: number, end: number, barWidth: number, highlight: readonly VaRange[]): VaRange | undefined {
  const pixel = (end - start) / barWidth
  const split = (e: MapExtent) => e.size < 2 * pixel && (e.leaf === 'PTE' || e.leaf === 'CONT_PTE')
  const interesting: VaRange[] = [...extents.filter((e) => split(e) || e.shared || !e.valid), ...highlight]
  if (!interesting.length) return undefined
  // A loop, not Math.min(...spread): a fragmented map has more extents than a call may take arguments.
  const lo = interesting.reduce((min, r) => Math.min(min, r.va), Infinity)
  const hi = interesting.reduce((max, r) => Math.max(max, r.va + r.size), -Infinity)
  // Padded and PMD-aligned, so the detail bar starts and ends at readable addresses.
  const pad = (hi - lo) / 10
  const va = Math.max(start, alignDown(Math.floor(lo - pad), PMD_SIZE))
  const size = Math.min(end, alignUp(Math.ceil(hi + pad), PMD_SIZE)) - va
  return size < (end - start) / 4 ? { va, size } : undefined
}

/** One bar over [start, end) with its mark rows and end addresses; returns the SVG and its height. */
function bar(extents: readonly MapExtent[], start: number, end: number, top: number, barWidth: number, options: MemoryMapOptions): string[] {
  const scale = barWidth / (end - start)
  const toX = (va: number) => MARGIN + (va - start) * scale
  const barTop = top + HIGHLIGHT_ROW
  const sharedTop = barTop + BAR + 1
  const invalidTop = sharedTop + MARK_ROW + 1
  const out: string[] = []
  for (const run of barRuns(extents, toX)) {
    const what = run.mixed ? `several leaf kinds, finest ${run.leaf}` : `${run.leaf} leaves`
    out.push(
      `<rect x="${num(run.x0)}" y="${barTop}" width="${num(run.x1 - run.x0)}" height="${BAR}" fill="${LEAF_COLOUR[run.leaf]}"><title>${escapeXml(
        `${what}: ${vaText(run.va)}–${vaText(run.end)} (${formatSize(run.end - run.va)})`,
      )}</title></rect>`,
    )
  }
  const rows: [string, readonly VaRange[], number, number, string][] = [
    ['shared with the host (NS)', extents.filter((e) => e.shared), sharedTop, MARK_ROW, SHARED_COLOUR],
    ['invalid leaves', extents.filter((e) => !e.valid), invalidTop, MARK_ROW, INVALID_COLOUR],
    ['differs from the compared boot', overlapping(options.highlight ?? [], start, end), top, HIGHLIGHT_ROW - 1, HIGHLIGHT_COLOUR],
  ]
  for (const [what, ranges, y, height, colour] of rows)
    for (const r of markRuns(ranges, toX))
      out.push(`<rect class="mark" x="${num(r.x0)}" y="${y}" width="${num(r.x1 - r.x0)}" height="${height}" fill="${colour}"><title>${escapeXml(what)}</title></rect>`)
  const image = [...(options.kernelImage ? [options.kernelImage] : []), ...extents.filter((e) => e.kernelImage)]
  for (const r of markRuns(overlapping(image, start, end), toX))
    out.push(
      `<rect class="kernel-image" x="${num(r.x0)}" y="${barTop - 2}" width="${num(r.x1 - r.x0)}" height="${BAR + 4}" fill="none" stroke="${REPORT_PALETTE.kernelImage}" stroke-width="1.5" stroke-dasharray="4 2"><title>kernel image alias</title></rect>`,
    )
  const addressY = invalidTop + MARK_ROW + 11
  out.push(
    `<text x="${MARGIN}" y="${addressY}" font-size="9" fill="#555555">${escapeXml(vaText(start))}</text>`,
    `<text x="${MARGIN + barWidth}" y="${addressY}" font-size="9" fill="#555555" text-anchor="end">${escapeXml(vaText(end))}</text>`,
  )
  return out
}

const BAR_BLOCK = HIGHLIGHT_ROW + BAR + 2 * (MARK_ROW + 1) + 14
const ZOOM_GAP = 22

function regionHeight(hasDetail: boolean): number {
  return REGION_LABEL + BAR_BLOCK + (hasDetail ? ZOOM_GAP + BAR_BLOCK : 0)
}

function region(extents: readonly MapExtent[], top: number, barWidth: number, options: MemoryMapOptions, detail: VaRange | undefined): string[] {
  const start = extents[0].va
  const end = extents[extents.length - 1].va + extents[extents.length - 1].size
  const paStart = extents[0].pa
  const label = `RAM 0x${paStart.toString(16)}–0x${(paStart + end - start - 1).toString(16)} (${formatSize(end - start)}) at VA ${vaText(start)}`
  const out = [`<g class="region" data-va="${start}" data-size="${end - start}">`, `<text x="${MARGIN}" y="${top + 13}">${escapeXml(label)}</text>`]
  out.push(...bar(extents, start, end, top + REGION_LABEL, barWidth, options))
  if (detail) {
    const detailEnd = detail.va + detail.size
    const zoomTop = top + REGION_LABEL + BAR_BLOCK + ZOOM_GAP
    const toX = (va: number) => MARGIN + ((va - start) * barWidth) / (end - start)
    const overviewBottom = top + REGION_LABEL + HIGHLIGHT_ROW + BAR
    // Lines from the zoomed part of the overview to the ends of the detail bar.
    out.push(
      `<g class="zoom"><path d="M${num(toX(detail.va))} ${overviewBottom}L${MARGIN} ${zoomTop}M${num(Math.max(toX(detailEnd), toX(detail.va) + 1))} ${overviewBottom}L${MARGIN + barWidth} ${zoomTop}" stroke="#888888" stroke-dasharray="2 2" fill="none"/>`,
      `<text x="${MARGIN + barWidth / 2}" y="${zoomTop - 4}" text-anchor="middle" font-size="9" fill="#555555">${escapeXml(`detail: ${formatSize(detail.size)}`)}</text></g>`,
      ...bar(clip(extents, detail.va, detailEnd), detail.va, detailEnd, zoomTop, barWidth, options),
    )
  }
  out.push('</g>')
  return out
}

function legend(y: number): string {
  const items: [string, string][] = [
    ...LEAF_KINDS.map(({ kind }): [string, string] => [`<rect width="12" height="12" fill="${LEAF_COLOUR[kind]}"/>`, kind]),
    [`<rect y="3" width="12" height="6" fill="${SHARED_COLOUR}"/>`, 'shared (NS)'],
    [`<rect y="3" width="12" height="6" fill="${INVALID_COLOUR}"/>`, 'invalid'],
    [`<rect width="12" height="12" fill="none" stroke="${REPORT_PALETTE.kernelImage}" stroke-dasharray="4 2"/>`, 'kernel image'],
    [`<rect y="3" width="12" height="5" fill="${HIGHLIGHT_COLOUR}"/>`, 'differs'],
  ]
  let at = MARGIN
  return items
    .map(([symbol, text]) => {
      const g = `<g transform="translate(${at},${y})">${symbol}<text x="16" y="10">${escapeXml(text)}</text></g>`
      at += 28 + text.length * 6.6
      return g
    })
    .join('')
}

/** The linear map of `snapshot` as an SVG document string. */
export function memoryMapSvg(snapshot: MapSnapshot, options: MemoryMapOptions = {}): string {
  const barWidth = options.barWidth ?? 900
  const regions = regionsOf(snapshot.extents).map(({ first, last }) => {
    const extents = snapshot.extents.slice(first, last)
    const [start, end] = [extents[0].va, extents[extents.length - 1].va + extents[extents.length - 1].size]
    return { extents, detail: detailRange(extents, start, end, barWidth, overlapping(options.highlight ?? [], start, end)) }
  })
  const width = barWidth + 2 * MARGIN
  const top = 28
  const height = top + regions.reduce((sum, r) => sum + regionHeight(r.detail !== undefined) + REGION_GAP, 0) + LEGEND
  const counts = LEAF_KINDS.map(({ kind }) => [kind, snapshot.extents.filter((e) => e.leaf === kind).length] as const).filter(([, n]) => n > 0)
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="bootlab-memory-map" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">`,
    `<title>${escapeXml(`Linear map ${snapshot.label} (step ${snapshot.step})`)}</title>`,
    `<desc>${escapeXml(
      `${regions.length} RAM region(s), ${snapshot.extents.length} extents (${counts.map(([k, n]) => `${n} ${k}`).join(', ')}); ` +
        `${snapshot.extents.filter((e) => e.shared).length} shared, ${snapshot.extents.filter((e) => !e.valid).length} invalid.`,
    )}</desc>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="18" font-size="13" font-weight="700">${escapeXml(`Linear map ${snapshot.label}`)}</text>`,
  ]
  let y = top
  for (const r of regions) {
    parts.push(...region(r.extents, y, barWidth, options, r.detail))
    y += regionHeight(r.detail !== undefined) + REGION_GAP
  }
  parts.push(legend(height - LEGEND + 12), '</svg>')
  return parts.join('\n')
}
