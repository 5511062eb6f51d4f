/*
 * The timeline's view-model, read by the app's TimelineView, the compare view and the
 * report's SVG: runs of consecutive steps sharing a value (a window, an allocator stage,
 * a CPUs-online count), the calls, faults, splats and map pictures of each step, and the
 * map picture in force at a step. Steps are the axis (start_kernel order), because most
 * early steps take 0 s on the dmesg clock.
 */
import type { BootResult, BootStep, CallerRecord, Fault, MapSnapshot, Splat } from '../core'

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

/** Worst first: the order a step's call markers stack in. */
export const OUTCOME_SEVERITY: readonly CallerRecord['outcome'][] = ['error', 'warn', 'ok', 'skipped']

export function worstOutcome(calls: readonly CallerRecord[]): CallerRecord['outcome'] {
  return OUTCOME_SEVERITY.find((o) => calls.some((c) => c.outcome === o)) ?? 'skipped'
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
  /** Map pictures by the column they were taken in (see picturePlacements). */
  pictures: Map<number, PicturePlacement[]>
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
    pictures: byStep(picturePlacements(result)),
  }
}

/**
 * Where a map picture was taken on the step axis. A column is a step's own stretch of
 * the trace: from its entry to the next step's entry. A picture taken in a step after
 * its children ran (`after caps finalization`: in setup_system_features, after
 * linear_map_maybe_split_to_ptes) therefore lands in the last child's column, which is
 * when it starts to hold.
 */
export interface PicturePlacement {
  /** The column: the last step entered before the picture's `snapshot` trace event. */
  step: number
  /** How far into that column's events the picture was taken, 0 (first) to 1 (last). */
  at: number
  snapshot: MapSnapshot
  /** Index into `BootResult.snapshots`. */
  index: number
}

export function picturePlacements(result: Pick<BootResult, 'events' | 'snapshots'>): PicturePlacement[] {
  const placements: PicturePlacement[] = []
  let column = 0
  let columnStart = 0
  const pending: { event: number; index: number }[] = []
  // A column's length is known once the next step enters (or the trace ends), so placements wait for it.
  const closeColumn = (end: number) => {
    for (const p of pending.splice(0)) {
      placements.push({ step: column, at: end - columnStart <= 1 ? 1 : (p.event - columnStart) / (end - columnStart - 1), snapshot: result.snapshots[p.index], index: p.index })
    }
  }
  result.events.forEach((e, i) => {
    if (e.kind === 'step' && e.phase === 'enter') {
      closeColumn(i)
      column = e.step
      columnStart = i
    } else if (e.kind === 'snapshot') pending.push({ event: i, index: e.snapshot })
  })
  closeColumn(result.events.length)
  return placements
}

/**
 * The map picture in force at the end of column `step`: the last one taken in that
 * column or before it, or null before the linear map exists.
 */
export function snapshotAt(placements: readonly PicturePlacement[], step: number): PicturePlacement | null {
  let found: PicturePlacement | null = null
  for (const p of placements) if (p.step <= step) found = p
  return found
}

/** The map picture in force at the end of step `step` of a boot (null: the end of boot). */
export function pictureAt(result: Pick<BootResult, 'events' | 'snapshots' | 'steps'>, step: number | null): PicturePlacement | null {
  return snapshotAt(picturePlacements(result), step ?? result.steps.length - 1)
}

/** The timeline's lanes, top to bottom: the app's TimelineView and the report's SVG draw these, in this order. */
export const TIMELINE_LANES = [
  { id: 'window', label: 'boot window' },
  { id: 'allocator', label: 'allocator' },
  { id: 'cpus', label: 'CPUs online' },
  { id: 'caps', label: 'caps finalized' },
  { id: 'calls', label: 'decrypt callers' },
  { id: 'faults', label: 'WARN / fault' },
  { id: 'map', label: 'map pictures' },
] as const
export type TimelineLaneId = (typeof TIMELINE_LANES)[number]['id']

/**
 * Where each step of a boot sits on a shared axis of `count` columns: column[i] of step i.
 * A boot on its own has one column per step; two compared boots share the columns of
 * their step alignment (alignColumns), with gaps where one boot lacks the other's steps.
 */
export interface StepColumns {
  count: number
  column: readonly number[]
}

export const ownColumns = (steps: readonly BootStep[]): StepColumns => ({ count: steps.length, column: steps.map((s) => s.index) })

/** The last step of a boot at or before column `c` (null before its first). */
export function stepAtColumn(columns: StepColumns, c: number): number | null {
  let found: number | null = null
  columns.column.forEach((col, step) => {
    if (col <= c) found = step
  })
  return found
}
