/*
 * The BootResult counters a lab goal may compare, by the dotted name an author
 * writes in a manifest (`tablePagesByAllocator.memblock`, `repaint.happened`).
 * The table is typed against the core's Counters, so a renamed counter breaks
 * the build here rather than a lab at run time.
 */
import type { Counters } from '../core'

type CounterValue = number | boolean

const COUNTERS = {
  pudBlocks: (c) => c.pudBlocks,
  pmdBlocks: (c) => c.pmdBlocks,
  contPmdRuns: (c) => c.contPmdRuns,
  ptes: (c) => c.ptes,
  contPteRuns: (c) => c.contPteRuns,
  pudTables: (c) => c.pudTables,
  pmdTables: (c) => c.pmdTables,
  pteTables: (c) => c.pteTables,
  'tablePagesByAllocator.memblock': (c) => c.tablePagesByAllocator.memblock,
  'tablePagesByAllocator.buddy': (c) => c.tablePagesByAllocator.buddy,
  'splits.pud': (c) => c.splits.pud,
  'splits.contPmd': (c) => c.splits.contPmd,
  'splits.pmd': (c) => c.splits.pmd,
  'splits.contPte': (c) => c.splits.contPte,
  'repaint.happened': (c) => c.repaint.happened,
  'repaint.tablesAllocated': (c) => c.repaint.tablesAllocated,
  'repaint.ptesWritten': (c) => c.repaint.ptesWritten,
  warns: (c) => c.warns,
  decryptCalls: (c) => c.decryptCalls,
  decryptFailures: (c) => c.decryptFailures,
  policySteps: (c) => c.policySteps,
} satisfies Record<string, (c: Counters) => CounterValue>

export type CounterName = keyof typeof COUNTERS

export const COUNTER_NAMES = Object.keys(COUNTERS) as [CounterName, ...CounterName[]]

export function readCounter(counters: Counters, name: CounterName): CounterValue {
  return COUNTERS[name](counters)
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
