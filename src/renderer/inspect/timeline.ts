/*
 * What the timeline view draws from a BootResult: runs of consecutive steps that
 * share a window, an allocator stage or a CPUs-online count, and the calls,
 * faults, splats and map snapshots of each step. Steps are the axis (start_kernel
 * order), because most early steps take 0 s on the dmesg clock.
 */
import type { BootResult, BootStep, CallerRecord, Fault, MapSnapshot, Splat } from '../../core'

export interface StepRun<T> {
  /** First and last step index of the run, inclusive. */
  from: number
  to: number
  value: T
}

export function runsOf<T>(steps: readonly BootStep[], value: (step: BootStep) => T): StepRun<T>[] {
  const runs: StepRun<T>[] = []
  for (const step of steps) {
    const open = runs[runs.length - 1]
    if (open && open.value === value(step) && open.to === step.index - 1) open.to = step.index
    else runs.push({ from: step.index, to: step.index, value: value(step) })
  }
  return runs
}

export function byStep<T extends { step: number }>(items: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>()
  for (const item of items) {
    const group = groups.get(item.step)
    if (group) group.push(item)
    else groups.set(item.step, [item])
  }
  return groups
}

export interface TimelineLanes {
  windows: StepRun<BootStep['window']>[]
  allocator: StepRun<BootStep['allocator']>[]
  onlineCpus: StepRun<number>[]
  /** The step that finalized the system capabilities (setup_system_features), or null if the boot never got there. */
  capsFinalizedAt: number | null
  calls: Map<number, CallerRecord[]>
  faults: Map<number, Fault[]>
  splats: Map<number, Splat[]>
  snapshots: Map<number, MapSnapshot[]>
}

export function timelineLanes(result: BootResult): TimelineLanes {
  const steps = result.steps
  return {
    windows: runsOf(steps, (s) => s.window),
    allocator: runsOf(steps, (s) => s.allocator),
    onlineCpus: runsOf(steps, (s) => s.onlineCpus),
    capsFinalizedAt: result.events.find((e) => e.kind === 'caps-finalized')?.step ?? null,
    calls: byStep(result.calls),
    faults: byStep(result.faults),
    splats: byStep(result.splats),
    snapshots: byStep(result.snapshots),
  }
}

/**
 * The map picture to show at `step`: the last snapshot taken in a step at or before
 * it in step order, or null before the linear map exists. A snapshot's `step` is
 * the step it was taken in, so `after caps finalization` (taken in
 * setup_system_features after its child linear_map_maybe_split_to_ptes) shows from
 * setup_system_features on.
 */
export function snapshotAt(snapshots: readonly MapSnapshot[], step: number): MapSnapshot | null {
  let found: MapSnapshot | null = null
  for (const s of snapshots) if (s.step <= step) found = s
  return found
}

/** The call outcome that decides a step's marker colour: the worst one. */
export const OUTCOME_SEVERITY: readonly CallerRecord['outcome'][] = ['error', 'warn', 'ok', 'skipped']

export function worstOutcome(calls: readonly CallerRecord[]): CallerRecord['outcome'] {
  return OUTCOME_SEVERITY.find((o) => calls.some((c) => c.outcome === o)) ?? 'skipped'
}
