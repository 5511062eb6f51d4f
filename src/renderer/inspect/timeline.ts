/*
 * What the timeline view draws from a BootResult: runs of consecutive steps that
 * share a window, an allocator stage or a CPUs-online count, and the calls,
 * faults, splats and map snapshots of each step. Steps are the axis (start_kernel
 * order), because most early steps take 0 s on the dmesg clock.
 */
import type { BootResult, BootStep, CallerRecord, Fault, MapSnapshot, Splat } from '../../core'
import { byStep, runsOf, type StepRun } from '../../report/step-runs'

export { byStep, OUTCOME_SEVERITY, runsOf, type StepRun, worstOutcome } from '../../report/step-runs'

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

/** The call outcome that decides a step's marker colour: the worst one. */
