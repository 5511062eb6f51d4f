/*
 * Two boots side by side, as plain data for the compare view and the report:
 * where they first part ways (the core's firstDivergence), the console as a
 * diff (timestamps ignored: lines are matched by their text), the boot steps
 * aligned with each caller's outcome, the counters a learner compares, and the
 * linear-map ranges whose mapping or attributes differ at the end of boot, and the
 * line diff of the two final ptdumps.
 */
import { diffArrays } from 'diff'
import type { BootResult, CallOutcome, Counters, Divergence, MapExtent, Verdict } from '../core'
import { firstDivergence } from '../core'
import { ptdumpAt } from './ptdump'
import type { StepColumns } from './timeline-model'

export interface CompareSide {
  policyName: string
  scenarioName: string
  verdict: Verdict
}

export interface ConsoleDiffRow {
  /** `both`: the line is in both consoles (timestamps aside). */
  side: 'both' | 'left' | 'right'
  text: string
  /** Indices into each boot's `console`, where the line is on that side. */
  leftLine?: number
  rightLine?: number
}

export interface CallSummary {
  caller: string
  outcome: CallOutcome
  errno?: string
}

export interface StepSide {
  step: number
  calls: CallSummary[]
}

/** One boot step, aligned by function name; a side is missing where that boot never ran the step. */
export interface StepRow {
  fn: string
  left?: StepSide
  right?: StepSide
  differs: boolean
}

export interface CounterRow {
  name: string
  left: number | boolean
  right: number | boolean
  differs: boolean
}

/** What the linear map holds over a range: a leaf run's kind and attributes, or nothing (a hole). */
export type MapState = Pick<MapExtent, 'leaf' | 'valid' | 'shared' | 'readOnly' | 'noExec'> | null

export interface MapDifference {
  /** Linear-map VA offset and size of the range. */
  va: number
  size: number
  left: MapState
  right: MapState
}

export interface CompareSummary {
  left: CompareSide
  right: CompareSide
  divergence: Divergence | null
  console: ConsoleDiffRow[]
  steps: StepRow[]
  counters: CounterRow[]
  /** Snapshot labels the map differences were taken from (the last of each boot). */
  mapSnapshots: { left: string; right: string }
  mapDifferences: MapDifference[]
  /** Line diff of the two final maps' ptdumps (the kernel_page_tables text). */
  ptdump: ConsoleDiffRow[]
}

function side(r: BootResult): CompareSide {
  return { policyName: r.policyName, scenarioName: r.scenarioName, verdict: r.verdict }
}

/** A line diff (diffArrays): every line once, on the side(s) it is on, with its line numbers. */
export function lineDiff(left: readonly string[], right: readonly string[]): ConsoleDiffRow[] {
  const rows: ConsoleDiffRow[] = []
  let l = 0
  let r = 0
  for (const change of diffArrays(left as string[], right as string[])) {
    for (const text of change.value) {
      if (change.removed) rows.push({ side: 'left', text, leftLine: l++ })
      else if (change.added) rows.push({ side: 'right', text, rightLine: r++ })
      else rows.push({ side: 'both', text, leftLine: l++, rightLine: r++ })
    }
  }
  return rows
}

function stepSide(r: BootResult, step: number): StepSide {
  const calls = r.calls.filter((c) => c.step === step).map((c): CallSummary => (c.errno ? { caller: c.caller, outcome: c.outcome, errno: c.errno } : { caller: c.caller, outcome: c.outcome }))
  return { step, calls }
}

const callsKey = (s: StepSide | undefined): string => JSON.stringify(s?.calls ?? null)

function stepAlignment(left: BootResult, right: BootResult): StepRow[] {
  const rows: StepRow[] = []
  let l = 0
  let r = 0
  for (const change of diffArrays(left.steps.map((s) => s.fn), right.steps.map((s) => s.fn))) {
    for (const fn of change.value) {
      const row: StepRow = { fn, differs: true }
      if (!change.added) row.left = stepSide(left, left.steps[l++].index)
      if (!change.removed) row.right = stepSide(right, right.steps[r++].index)
      row.differs = !row.left || !row.right || callsKey(row.left) !== callsKey(row.right)
      rows.push(row)
    }
  }
  return rows
}

const tablePages = (c: Counters): number => c.pudTables + c.pmdTables + c.pteTables
const splits = (c: Counters): number => c.splits.pud + c.splits.contPmd + c.splits.pmd + c.splits.contPte

/** The counters a learner compares, in the order the report lists them. */
const COUNTERS: [string, (c: Counters) => number | boolean][] = [
  ['page-table pages', tablePages],
  ['page-table pages from memblock', (c) => c.tablePagesByAllocator.memblock],
  ['page-table pages from buddy', (c) => c.tablePagesByAllocator.buddy],
  ['splits', splits],
  ['splits of PUD blocks', (c) => c.splits.pud],
  ['splits of CONT_PMD runs', (c) => c.splits.contPmd],
  ['splits of PMD blocks', (c) => c.splits.pmd],
  ['splits of CONT_PTE runs', (c) => c.splits.contPte],
  ['linear map repainted to PTEs', (c) => c.repaint.happened],
  ['repaint: page-table pages', (c) => c.repaint.tablesAllocated],
  ['repaint: PTEs written', (c) => c.repaint.ptesWritten],
  ['WARNs', (c) => c.warns],
  ['set_memory_decrypted() calls', (c) => c.decryptCalls],
  ['set_memory_decrypted() failures', (c) => c.decryptFailures],
]

function counterRows(left: Counters, right: Counters): CounterRow[] {
  return COUNTERS.map(([name, read]) => ({ name, left: read(left), right: read(right), differs: read(left) !== read(right) }))
}

function stateOf(e: MapExtent | undefined): MapState {
  return e ? { leaf: e.leaf, valid: e.valid, shared: e.shared, readOnly: e.readOnly, noExec: e.noExec } : null
}

const sameState = (a: MapState, b: MapState): boolean => JSON.stringify(a) === JSON.stringify(b)

/** The extent of a VA-sorted list that covers `va`, advancing a cursor (lookups come in VA order). */
function cursor(extents: readonly MapExtent[]): (va: number) => MapExtent | undefined {
  let i = 0
  return (va) => {
    while (i < extents.length && extents[i].va + extents[i].size <= va) i++
    return i < extents.length && extents[i].va <= va ? extents[i] : undefined
  }
}

/** Ranges where the two maps differ in leaf kind, validity or attributes; adjacent ranges that differ the same way merge. */
export function mapDifferences(left: readonly MapExtent[], right: readonly MapExtent[]): MapDifference[] {
  const edges = [...new Set([...left, ...right].flatMap((e) => [e.va, e.va + e.size]))].sort((a, b) => a - b)
  const atLeft = cursor(left)
  const atRight = cursor(right)
  const out: MapDifference[] = []
  for (let k = 0; k + 1 < edges.length; k++) {
    const [va, end] = [edges[k], edges[k + 1]]
    const l = stateOf(atLeft(va))
    const r = stateOf(atRight(va))
    if (sameState(l, r)) continue
    const last = out[out.length - 1]
    if (last && last.va + last.size === va && sameState(last.left, l) && sameState(last.right, r)) last.size += end - va
    else out.push({ va, size: end - va, left: l, right: r })
  }
  return out
}

export function compareBoots(left: BootResult, right: BootResult): CompareSummary {
  const leftMap = left.snapshots[left.snapshots.length - 1]
  const rightMap = right.snapshots[right.snapshots.length - 1]
  return {
    left: side(left),
    right: side(right),
    divergence: firstDivergence(left, right),
    console: lineDiff(left.console.map((c) => c.text), right.console.map((c) => c.text)),
    ptdump: lineDiff(ptdumpAt(left, null)?.lines ?? [], ptdumpAt(right, null)?.lines ?? []),
    steps: stepAlignment(left, right),
    counters: counterRows(left.counters, right.counters),
    mapSnapshots: { left: leftMap?.label ?? '', right: rightMap?.label ?? '' },
    mapDifferences: mapDifferences(leftMap?.extents ?? [], rightMap?.extents ?? []),
  }
}

/** The console diff's changed lines with `context` shared lines around each, as hunks. */
export function consoleHunks(rows: readonly ConsoleDiffRow[], context = 2): ConsoleDiffRow[][] {
  const keep = rows.map(() => false)
  rows.forEach((row, i) => {
    if (row.side === 'both') return
    for (let j = Math.max(0, i - context); j <= Math.min(rows.length - 1, i + context); j++) keep[j] = true
  })
  const hunks: ConsoleDiffRow[][] = []
  rows.forEach((row, i) => {
    if (!keep[i]) return
    if (i > 0 && keep[i - 1]) hunks[hunks.length - 1].push(row)
    else hunks.push([row])
  })
  return hunks
}

/** One side's steps on the shared axis of the aligned rows (a row this side lacks is a gap). */
export function sideColumns(rows: readonly StepRow[], side: 'left' | 'right'): StepColumns {
  const column: number[] = []
  rows.forEach((row, i) => {
    const s = row[side]
    if (s) column[s.step] = i
  })
  return { count: rows.length, column }
}
