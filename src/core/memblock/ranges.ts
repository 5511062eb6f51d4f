/*
 * Sorted, disjoint [start, end) byte ranges: the shape both memblock's region
 * arrays and the buddy allocator's free memory take in the model.
 */

export interface Range {
  start: number
  end: number
}

/** Insert [start, end) into sorted disjoint ranges, merging neighbours. */
export function addRange(ranges: Range[], start: number, end: number): void {
  let i = 0
  while (i < ranges.length && ranges[i].end < start) i++
  let s = start
  let e = end
  let j = i
  while (j < ranges.length && ranges[j].start <= e) {
    s = Math.min(s, ranges[j].start)
    e = Math.max(e, ranges[j].end)
    j++
  }
  ranges.splice(i, j - i, { start: s, end: e })
}

/** Remove [start, end) from sorted disjoint ranges. */
export function removeRange(ranges: Range[], start: number, end: number): void {
  const out: Range[] = []
  for (const r of ranges) {
    if (r.end <= start || r.start >= end) out.push(r)
    else {
      if (r.start < start) out.push({ start: r.start, end: start })
      if (r.end > end) out.push({ start: end, end: r.end })
    }
  }
  ranges.splice(0, ranges.length, ...out)
}

/** `a` minus `b`, both sorted and disjoint. */
export function subtractRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out = a.map((r) => ({ ...r }))
  for (const r of b) removeRange(out, r.start, r.end)
  return out
}

export function totalBytes(ranges: readonly Range[]): number {
  return ranges.reduce((n, r) => n + (r.end - r.start), 0)
}

/**
 * The highest `align`-aligned block of `size` bytes inside the free ranges, searching
 * top-down as memblock and (in this model) the buddy allocator do; null when none fits.
 */
export function findTopDown(free: readonly Range[], size: number, align: number): number | null {
  for (let i = free.length - 1; i >= 0; i--) {
    const r = free[i]
    const base = Math.floor((r.end - size) / align) * align
    if (base >= r.start) return base
  }
  return null
}
