import { describe, expect, it } from 'vitest'
import type { BootStep, MapSnapshot } from '../../src/core'
import { runsOf, snapshotAt, timelineLanes, worstOutcome } from '../../src/renderer/inspect/timeline'
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

  it('the snapshot in force: the last one taken at or before the step, none before the map exists', () => {
    const shots = [3, 10, 27, 34].map((s) => ({ step: s, label: `at ${s}`, extents: [] }) as MapSnapshot)
    expect(snapshotAt(shots, 2)).toBeNull()
    expect(snapshotAt(shots, 3)?.step).toBe(3)
    expect(snapshotAt(shots, 26)?.step).toBe(10)
    expect(snapshotAt(shots, 27)?.step).toBe(27)
    expect(snapshotAt(shots, 99)?.step).toBe(34)
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
    const leaves = (s: number) => new Set(snapshotAt(r.snapshots, s)!.extents.filter((e) => !e.kernelImage).map((e) => e.leaf))
    expect(leaves(caps - 1).has('PTE')).toBe(false)
    expect([...leaves(caps)]).toEqual(['PTE'])
  })
})
