/*
 * Summaries of what a VA range maps, in the spirit of arch/arm64/mm/ptdump.c (note_page()
 * merges consecutive entries with the same attributes into one line).
 *
 * The kernel's ptdump visits every entry; the model visits table forms, so a run costs
 * one step whatever its size, blocks split one by one into tables that are each one run
 * are one span, and a repainted 1 TiB linear map is one extent.
 */
import { phys, type VirtAddr, virt } from '../memory/addr'
import type { LeafKind, MapExtent } from '../result'
import { leafKind } from './leaf'
import type { PageTable } from './pgd'
import { Attr, type Attrs, type Level } from './prot'
import type { PgTable } from './table'

/** A clipped piece of [start, end): either leaves (contiguous output, one kind) or a hole. */
export interface Span {
  va: number
  size: number
  /** Level of the leaf, or of the none entry the walk stopped at. */
  level: Level
  leaf: boolean
  attrs: Attrs
  pa: number
}

type SpanFn = (s: Span) => void

/** Visit [start, end) as leaf spans and holes, in address order (extents, rangeSummary, ptdump). */
export function forEachSpan(pt: PageTable, start: number, end: number, fn: SpanFn): void {
  if (start < end) spansOf(pt.pgd, start, end, fn)
}

function spansOf(table: PgTable, start: number, end: number, fn: SpanFn): void {
  const lo = Math.max(start, table.va)
  const hi = Math.min(end, table.va + table.span)
  const run = table.leafRun()
  if (run) {
    fn({ va: lo, size: hi - lo, level: table.level, leaf: true, attrs: run.attrs, pa: run.pa + (lo - table.va) })
    return
  }
  const tables = table.tableRun()
  if (tables) {
    fn({ va: lo, size: hi - lo, level: 3, leaf: true, attrs: tables.attrs, pa: tables.pa + (lo - table.va) })
    return
  }
  const lastIndex = table.index(hi - 1)
  for (let addr = lo, next: number; addr < hi; addr = next) {
    const i = table.index(addr)
    const child = table.isTable(i) ? table.childIfReal(i) : null
    const childRun = child?.leafRun()
    if (childRun) {
      // A table that is one run (a split block), and the runs in the next entries continuing it: one span.
      next = Math.min(table.entryVa(lastContinuingRun(table, i, child!, lastIndex) + 1), hi)
      fn({ va: addr, size: next - addr, level: child!.level, leaf: true, attrs: childRun.attrs, pa: childRun.pa + (addr - child!.va) })
      continue
    }
    if (child) {
      next = Math.min(table.entryVa(i + 1), hi)
      spansOf(child, addr, next, fn)
      continue
    }
    next = Math.min(table.entryVa(lastAlike(table, i, lastIndex) + 1), hi)
    if (table.isLeaf(i)) {
      fn({ va: addr, size: next - addr, level: table.level, leaf: true, attrs: table.leafAttrs(i), pa: table.leafPa(i) + (addr - table.entryVa(i)) })
    } else fn({ va: addr, size: next - addr, level: table.level, leaf: false, attrs: 0, pa: 0 })
  }
}

/** The last entry up to `max` whose table is a run continuing entry i's (same attributes, output following on). */
function lastContinuingRun(table: PgTable, i: number, first: PgTable, max: number): number {
  let j = i
  const size = table.entrySize
  while (j < max && table.isTable(j + 1) && table.childIfReal(j + 1)?.runContinues(first, (j + 1 - i) * size)) j++
  return j
}

/**
 * The last entry up to `max` that entry i's span covers: leaves with i's attributes and
 * output continuing i's, or none entries after a none. One span instead of one per entry,
 * so a dense table of blocks costs as many steps as it has distinct stretches.
 */
function lastAlike(table: PgTable, i: number, max: number): number {
  let j = i
  if (table.isLeaf(i)) {
    const attrs = table.leafAttrs(i)
    const pa = table.leafPa(i)
    const size = table.entrySize
    while (j < max && table.isLeaf(j + 1) && table.leafAttrs(j + 1) === attrs && table.leafPa(j + 1) === pa + (j + 1 - i) * size) j++
  } else {
    while (j < max && table.isNone(j + 1)) j++
  }
  return j
}

/**
 * The leaves of [start, end) as MapExtents: adjacent leaves merge when they have the same
 * LeafKind and attributes and contiguous output. Holes (none entries) produce no extent.
 */
export function extents(pt: PageTable, start: VirtAddr, end: VirtAddr): MapExtent[] {
  const out: MapExtent[] = []
  let lastAttrs = -1
  forEachSpan(pt, start, end, (s) => {
    if (!s.leaf) {
      lastAttrs = -1
      return
    }
    const kind = leafKind(s.level, s.attrs)
    const last = out[out.length - 1]
    if (last && lastAttrs === s.attrs && last.leaf === kind && last.va + last.size === s.va && last.pa + last.size === s.pa) {
      last.size += s.size
      return
    }
    out.push({
      va: virt(s.va),
      pa: phys(s.pa),
      size: s.size,
      leaf: kind,
      valid: (s.attrs & Attr.VALID) !== 0,
      shared: (s.attrs & Attr.NS_SHARED) !== 0,
      readOnly: (s.attrs & Attr.RDONLY) !== 0,
      noExec: (s.attrs & Attr.PXN) !== 0,
    })
    lastAttrs = s.attrs
  })
  return out
}

export interface RangeSummary {
  /** Every byte is mapped by a valid leaf. */
  allValid: boolean
  /** Every byte is mapped by a leaf with PROT_NS_SHARED. */
  allShared: boolean
  /** First byte not mapped by a valid leaf, and the level of the entry that failed. */
  firstInvalid?: { va: number; level: Level }
  firstNotShared?: number
  leafKinds: Set<LeafKind>
}

/** Is [start, end) all valid / all shared, and with which kinds of leaves? */
export function rangeSummary(pt: PageTable, start: VirtAddr, end: VirtAddr): RangeSummary {
  const s: RangeSummary = { allValid: true, allShared: true, leafKinds: new Set() }
  forEachSpan(pt, start, end, (span) => {
    if (span.leaf) s.leafKinds.add(leafKind(span.level, span.attrs))
    if (s.allValid && !(span.leaf && span.attrs & Attr.VALID)) {
      s.allValid = false
      s.firstInvalid = { va: span.va, level: span.level }
    }
    if (s.allShared && !(span.leaf && span.attrs & Attr.NS_SHARED)) {
      s.allShared = false
      s.firstNotShared = span.va
    }
  })
  return s
}
