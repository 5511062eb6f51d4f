import { describe, expect, it } from 'vitest'
import type { BootStep, MapSnapshot, TraceEvent } from '../../src/core'
import { picturePlacements, runsOf, snapshotAt, timelineLanes, worstOutcome } from '../../src/report/timeline-model'
import { bootNamed } from '../helpers/boot'

const step = (index: number, allocator: BootStep['allocator'], onlineCpus = 1) => ({ index, allocator, onlineCpus }) as BootStep

describe('timeline lanes', () => {
  it('runs of consecutive steps with the same value', () => {
    const steps = [step(0, 'memblock'), step(1, 'memblock'), step(2, 'buddy'), step(3, 'buddy', 4)]
    expect(runsOf(steps, (s) => s.allocator)).toEqual([
      { from: 0, to: 1, value: 'memblock' },
      { from: 2, to: 3, value: 'buddy' },
    ])
    expect(runsOf(steps, (s) => s.onlineCpus).map((r) => [r.from, r.to, r.value])).toEqual([
      [0, 2, 1],
      [3, 3, 4],
    ])
  })

  it('places each picture by its trace event: in the column of the last step entered before it', () => {
    const enter = (step: number): TraceEvent => ({ kind: 'step', step, fn: `s${step}`, phase: 'enter' })
    const exit = (step: number): TraceEvent => ({ kind: 'step', step, fn: `s${step}`, phase: 'exit' })
    // Step 1 photographs the map after its child step 2 ran; step 3 photographs it halfway through.
    const events: TraceEvent[] = [enter(0), exit(0), enter(1), enter(2), exit(2), { kind: 'snapshot', snapshot: 0, step: 1 }, exit(1), enter(3), { kind: 'snapshot', snapshot: 1, step: 3 }, exit(3)]
    const snapshots = [1, 3].map((step) => ({ step, label: `in ${step}`, extents: [], ptdump: [] }) as MapSnapshot)
    const placed = picturePlacements({ events, snapshots })
    expect(placed.map((p) => [p.step, p.at, p.snapshot.label])).toEqual([
      [2, 2 / 3, 'in 1'],
      [3, 1 / 2, 'in 3'],
    ])
    expect(snapshotAt(placed, 1)).toBeNull()
    expect(snapshotAt(placed, 2)?.snapshot.label).toBe('in 1')
    expect(snapshotAt(placed, 99)?.snapshot.label).toBe('in 3')
  })

  it('the worst outcome decides', () => {
    expect(worstOutcome([])).toBe('skipped')
    expect(worstOutcome([{ outcome: 'ok' }, { outcome: 'warn' }] as never)).toBe('warn')
    expect(worstOutcome([{ outcome: 'ok' }, { outcome: 'error' }, { outcome: 'warn' }] as never)).toBe('error')
  })

  it('realm-mixed on the base kernel: memblock then buddy, 1 then 4 CPUs, caps finalized, the repaint between pictures', async () => {
    const r = await bootNamed('realm-mixed', 'unpatched')
    const lanes = timelineLanes(r)
    expect(lanes.allocator.map((a) => a.value)).toEqual(['memblock', 'buddy'])
    expect(lanes.onlineCpus.map((c) => c.value)).toEqual([1, 4])
    const caps = lanes.capsFinalizedAt!
    expect(r.steps[caps].fn).toBe('setup_system_features')
    expect(r.steps[caps + 1].capsFinalized).toBe(true)
    expect([...lanes.calls.values()].flat()).toHaveLength(r.calls.length)
    expect([...lanes.faults.keys()].every((s) => r.steps[s])).toBe(true)
    const pictures = picturePlacements(r)
    const leaves = (s: number) => new Set(snapshotAt(pictures, s)!.snapshot.extents.filter((e) => !e.kernelImage).map((e) => e.leaf))
    // The repaint is setup_system_features' child step: the picture after it holds from that child on.
    expect(r.steps[caps + 1].fn).toBe('linear_map_maybe_split_to_ptes')
    expect(leaves(caps).has('PTE')).toBe(false)
    expect([...leaves(caps + 1)]).toEqual(['PTE'])
    expect(pictures.map((p) => r.steps[p.step].fn)).toEqual(['map_mem', 'mem_init', 'linear_map_maybe_split_to_ptes', r.steps[r.steps.length - 1].fn])
  })
})
