/*
 * The range lists of memblock, the buddy allocator and the realm's RIPAS state.
 * A policy can fragment them into tens of thousands of ranges (the fuzzer's
 * memblock_phys_alloc(2, PAGE_SIZE) loop took 11 s in 20 000 steps), so the
 * updates search instead of scanning; here they are checked against the plain
 * scanning versions they replaced, on random operations (bench/runaways.ts times them).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addRange, findFreeTopDown, findTopDown, type Range, removeRange, subtractRanges } from '../../../src/core/memory/ranges'
import { bootWith } from '../../helpers/boot'
import { FRAGMENTING, fragment } from '../../helpers/runaways'

/** The scanning implementations before the fuzzer found them slow. */
const reference = {
  addRange(ranges: Range[], start: number, end: number): void {
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
  },
  removeRange(ranges: Range[], start: number, end: number): void {
    const out: Range[] = []
    for (const r of ranges) {
      if (r.end <= start || r.start >= end) out.push(r)
      else {
        if (r.start < start) out.push({ start: r.start, end: start })
        if (r.end > end) out.push({ start: end, end: r.end })
      }
    }
    ranges.splice(0, ranges.length, ...out)
  },
  subtractRanges(a: readonly Range[], b: readonly Range[]): Range[] {
    const out = a.map((r) => ({ ...r }))
    for (const r of b) reference.removeRange(out, r.start, r.end)
    return out
  },
}

const op = fc.record({ add: fc.boolean(), start: fc.integer({ min: 0, max: 200 }), length: fc.integer({ min: 0, max: 40 }) })

function build(ops: { add: boolean; start: number; length: number }[], impl: { addRange: typeof addRange; removeRange: typeof removeRange }): Range[] {
  const ranges: Range[] = []
  for (const o of ops) (o.add ? impl.addRange : impl.removeRange)(ranges, o.start, o.start + o.length)
  return ranges
}

describe('range lists', () => {
  it('add and remove give what the scanning versions gave', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        expect(build(ops, { addRange, removeRange })).toEqual(build(ops, reference))
      }),
      { seed: 20260401, numRuns: 3000 },
    )
  })

  it('subtraction and the top-down search over memory minus reserved agree with the scanning versions', () => {
    fc.assert(
      // RAM banks are never empty (the scenario schema); reservations may be (memblock_phys_alloc(0, ...)).
      fc.property(fc.array(op.filter((o) => o.length > 0), { maxLength: 12 }), fc.array(op, { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), fc.constantFrom(1, 2, 4, 8, 16), (memOps, resOps, size, align) => {
        const memory = build(memOps, reference)
        const reserved = build(resOps, reference)
        const free = reference.subtractRanges(memory, reserved)
        expect(subtractRanges(memory, reserved)).toEqual(free)
        expect(findFreeTopDown(memory, reserved, size, align)).toBe(findTopDown(free, size, align))
      }),
      { seed: 20260401, numRuns: 3000 },
    )
  })

  it('50 000 fragmenting updates leave the holes not filled again, the ranges between them merged (timed by the bench: bench/runaways.ts)', () => {
    const ranges: Range[] = [{ start: 0, end: 1e9 }]
    fragment(ranges, 50_000)
    // The holes at 16 KiB multiples stay: 12 KiB ranges after each, the last one running to the end.
    expect(ranges.length).toBe(25_000)
    expect(ranges.slice(0, 3)).toEqual([
      { start: 4096, end: 16384 },
      { start: 20480, end: 32768 },
      { start: 36864, end: 49152 },
    ])
    expect(ranges.at(-1)).toEqual({ start: 24_999 * 16384 + 4096, end: 1e9 })
  })
})

describe('found by fuzzing: allocation loops that fragment the lists', () => {
  it('memblock_phys_alloc of 2 bytes in a loop stops at the reservation cap, at its line', async () => {
    const r = await bootWith(FRAGMENTING.memblock.scenario, FRAGMENTING.memblock.text, FRAGMENTING.memblock.file)
    expect(r.diagnostics.at(-1)).toMatchObject({ file: 'frag.c', line: 4, code: 'budget', message: 'memblock holds 4096 separate reservations: does a loop allocate without end?' })
  })

  it('punching 4 KiB holes in shared memory in a loop ends at the step budget', async () => {
    const r = await bootWith(FRAGMENTING.holes.scenario, FRAGMENTING.holes.text, FRAGMENTING.holes.file)
    expect(r.diagnostics.at(-1)).toMatchObject({ file: 'holes.c', code: 'budget' })
  })
})
