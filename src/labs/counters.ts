/*
 * The BootResult counters a lab goal may compare, by the dotted name an author
 * writes in a manifest (`tablePagesByAllocator.memblock`, `repaint.happened`).
 * The table is typed against the core's Counters, so a renamed counter breaks
 * the build here rather than a lab at run time.
 */
import type { Counters } from '../core'

type CounterValue = number | boolean

/** A count (compared with a number) or a flag (compared with true or false): a manifest that mixes them is refused. */
const count = (read: (c: Counters) => number) => ({ read, flag: false })
const flag = (read: (c: Counters) => boolean) => ({ read, flag: true })

const COUNTERS = {
  pudBlocks: count((c) => c.pudBlocks),
  pmdBlocks: count((c) => c.pmdBlocks),
  contPmdRuns: count((c) => c.contPmdRuns),
  ptes: count((c) => c.ptes),
  contPteRuns: count((c) => c.contPteRuns),
  pudTables: count((c) => c.pudTables),
  pmdTables: count((c) => c.pmdTables),
  pteTables: count((c) => c.pteTables),
  'tablePagesByAllocator.memblock': count((c) => c.tablePagesByAllocator.memblock),
  'tablePagesByAllocator.buddy': count((c) => c.tablePagesByAllocator.buddy),
  'splits.pud': count((c) => c.splits.pud),
  'splits.contPmd': count((c) => c.splits.contPmd),
  'splits.pmd': count((c) => c.splits.pmd),
  'splits.contPte': count((c) => c.splits.contPte),
  'repaint.happened': flag((c) => c.repaint.happened),
  'repaint.tablesAllocated': count((c) => c.repaint.tablesAllocated),
  'repaint.ptesWritten': count((c) => c.repaint.ptesWritten),
  warns: count((c) => c.warns),
  decryptCalls: count((c) => c.decryptCalls),
  decryptFailures: count((c) => c.decryptFailures),
  policySteps: count((c) => c.policySteps),
}

export type CounterName = keyof typeof COUNTERS

export const COUNTER_NAMES = Object.keys(COUNTERS) as [CounterName, ...CounterName[]]

export function readCounter(counters: Counters, name: CounterName): CounterValue {
  return COUNTERS[name].read(counters)
}

/** What a goal's `value` must be for this counter: why not, or null when it fits. */
export function counterValueProblem(name: CounterName, value: CounterValue): string | null {
  if (COUNTERS[name].flag) return typeof value === 'boolean' ? null : `${name} is true or false: compare it with true or false, not ${value}`
  return typeof value === 'number' ? null : `${name} is a count: compare it with a number, not ${value}`
}

export const COMPARISONS = ['==', '!=', '<', '<=', '>', '>='] as const
export type Comparison = (typeof COMPARISONS)[number]

export function compare(actual: CounterValue, op: Comparison, expected: CounterValue): boolean {
  switch (op) {
    case '==':
      return actual === expected
    case '!=':
      return actual !== expected
    case '<':
      return actual < expected
    case '<=':
      return actual <= expected
    case '>':
      return actual > expected
    case '>=':
      return actual >= expected
  }
}
