/*
 * What both timelines (the app's view and the report's SVG) read from a
 * BootResult's steps: runs of consecutive steps sharing a value (a window, an
 * allocator stage, a CPUs-online count), items grouped by step, and the order in
 * which a step's call outcomes are shown, worst first.
 */
import type { BootStep, CallerRecord } from '../core'

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
