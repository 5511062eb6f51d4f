/*
 * Sorted, disjoint [start, end) byte ranges: the shape both memblock's region
 * arrays and the buddy allocator's free memory take in the model.
 */

export interface Range {
  start: number
  end: number
}

/** Index of the first range whose end is at or after `at` (ranges.length when none): a binary search. */
export function firstEndingFrom(ranges: readonly Range[], at: number): number {
  let lo = 0
  let hi = ranges.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ranges[mid].end < at) lo = mid + 1
    else hi = mid
  }
  return lo
}

// A policy can fragment these lists into tens of thousands of ranges: each update must not rescan or copy them all.

/** Insert [start, end) into sorted disjoint ranges, merging neighbours. */
export function addRange(ranges: Range[], start: number, end: number): void {
  const i = firstEndingFrom(ranges, start)
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
  // Ranges ending exactly at `start` are untouched: begin after them.
  let i = firstEndingFrom(ranges, start)
  if (i < ranges.length && ranges[i].end === start) i++
  // An allocation's block, inside one range and usually at its top or bottom: trim that range alone.
  const r = ranges[i]
  if (r !== undefined && r.start <= start && end <= r.end && start < end) {
    if (r.start === start && r.end === end) ranges.splice(i, 1)
    else if (r.end === end) ranges[i] = { start: r.start, end: start }
    else if (r.start === start) ranges[i] = { start: end, end: r.end }
    else ranges.splice(i, 1, { start: r.start, end: start }, { start: end, end: r.end })
    return
  }
  const kept: Range[] = []
  let j = i
  for (; j < ranges.length && ranges[j].start < end; j++) {
    const r = ranges[j]
    if (r.start < start) kept.push({ start: r.start, end: start })
    if (r.end > end) kept.push({ start: end, end: r.end })
  }
  if (j > i) ranges.splice(i, j - i, ...kept)
}

/** `a` minus `b`, both sorted and disjoint: one merge pass over both. */
export function subtractRanges(a: readonly Range[], b: readonly Range[]): Range[] {
  const out: Range[] = []
  let j = 0
  for (const r of a) {
    let s = r.start
    while (j < b.length && b[j].end <= s) j++
    for (let k = j; k < b.length && b[k].start < r.end; k++) {
      if (b[k].start > s) out.push({ start: s, end: b[k].start })
      s = Math.max(s, b[k].end)
    }
    if (s < r.end) out.push({ start: s, end: r.end })
  }
  return out
}

export function totalBytes(ranges: readonly Range[]): number {
  return ranges.reduce((n, r) => n + (r.end - r.start), 0)
}

/**
 * The highest `align`-aligned block of `size` bytes inside the free ranges, searching
 * top-down as memblock and (in this model) the buddy allocator do; null when none fits.
 */
export function findTopDown(free: readonly Range[], size: number, align: number, limit = Number.POSITIVE_INFINITY): number | null {
  for (let i = free.length - 1; i >= 0; i--) {
    const r = free[i]
    const base = Math.floor((Math.min(r.end, limit) - size) / align) * align
    if (base >= r.start) return base
  }
  return null
}

/**
 * findTopDown over `memory` minus `reserved` (both sorted and disjoint), walking
 * the gaps down from the top without building the free list: memblock's
 * allocations stop at the first gap that fits.
 */
export function findFreeTopDown(memory: readonly Range[], reserved: readonly Range[], size: number, align: number, limit = Number.POSITIVE_INFINITY): number | null {
  let j = reserved.length - 1
  for (let i = memory.length - 1; i >= 0; i--) {
    const m = memory[i]
    // memblock_alloc_range_nid()'s end: nothing at or above `limit` (memblock_alloc_low()).
    let top = Math.min(m.end, limit)
    while (top > m.start) {
      while (j >= 0 && reserved[j].start >= top) j--
      // The gap is [bottom, top): below `top`, above the next reservation that ends under it.
      const overlapping = j >= 0 && reserved[j].end > m.start ? reserved[j] : null
      const bottom = overlapping ? Math.max(overlapping.end, m.start) : m.start
      const base = Math.floor((top - size) / align) * align
      if (base >= bottom && top > bottom) return base
      if (!overlapping) break
      top = Math.min(top, overlapping.start)
    }
  }
  return null
}
