/*
 * What a lab report says, whatever its format: the input a host hands in, the
 * section titles both renderers use (so the Markdown and HTML reports carry the
 * same content), and the policy's patch against the starting policy.
 *
 * The lab types are structural and minimal on purpose: a grader's goal result
 * (src/labs) fits them without this module depending on the labs code.
 */
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff'
import type { BootResult, Verdict } from '../core'
import type { CompareSummary, ConsoleDiffRow, MapState } from './compare'
import { ptdumpAt } from './ptdump'

export interface ReportGoal {
  name: string
  weight: number
  passed: boolean
  /** Why the goal matters, or why it failed. */
  message: string
  /** The failing checks; empty when the goal passed. */
  evidence: readonly string[]
}

export interface ReportQuestion {
  question: string
  /** The learner's answer. */
  answer: string
}

export interface ReportLab {
  id: string
  title: string
  goals: readonly ReportGoal[]
  hintsUsed: number
  questions: readonly ReportQuestion[]
  /**
   * Once the goals pass, whether the verdict is the one the lab expects and why (src/labs
   * verdictExpectation): lab 5's solution still crashes, as the lab says it must.
   */
  expectation?: { expected: boolean; text: string }
}

export interface ReportInput {
  /** The learner's name as given; the report shows UNNAMED_LEARNER for none (shownLearner). */
  learner: string
  /** The date as it should print; the host reads the clock, so the same input gives the same report. */
  date: string
  lab?: ReportLab
  scenarioName: string
  /** The file name the policy is saved as: the patch's `a/` and `b/` paths (e.g. `policy.c`). */
  policyFile: string
  /** Where the learner started from, as the report names it (a lab's `start.c`, `unpatched.c`). */
  startPolicyName: string
  startPolicy: string
  policy: string
  result: BootResult
  compare?: CompareSummary
}

/** Section ids (HTML anchors) and titles, in report order; `compare` only when a comparison was made. */
export const SECTIONS = {
  goals: 'Goals',
  hints: 'Hints',
  // Right after the goals: what an instructor grades comes before the policy, console and pictures.
  answers: 'Answers',
  verdict: 'Verdict and cause chain',
  assumptions: 'Assumptions (unverified)',
  policy: 'Policy',
  patch: 'Patch against the starting policy',
  console: 'Console',
  timeline: 'Timeline',
  'memory-map': 'Memory map',
  ptdump: 'ptdump of the final map',
  callers: 'Decrypt callers',
  compare: 'Compare',
} as const

export type SectionId = keyof typeof SECTIONS

export function reportTitle(input: ReportInput): string {
  return input.lab ? input.lab.title : `BootLab boot report: ${input.result.policyName} on ${input.scenarioName}`
}

export function verdictLabel(status: Verdict['status']): string {
  return { booted: 'BOOTED', 'booted-with-warnings': 'BOOTED WITH WARNINGS', failed: 'FAILED', 'policy-error': 'POLICY ERROR' }[status]
}

export function goalScore(goals: readonly ReportGoal[]): { earned: number; total: number } {
  return { earned: goals.filter((g) => g.passed).reduce((sum, g) => sum + g.weight, 0), total: goals.reduce((sum, g) => sum + g.weight, 0) }
}

/**
 * The learner's policy as a git-style unified diff against the starting policy
 * (`diff --git a/<file> b/<file>`, `---`/`+++` headers), which `git apply`
 * applies to the starting file; empty when the policy is unchanged.
 */
export function policyPatch(input: Pick<ReportInput, 'policyFile' | 'startPolicy' | 'policy'>): string {
  if (input.policy === input.startPolicy) return ''
  const file = input.policyFile
  const patch = structuredPatch(`a/${file}`, `b/${file}`, input.startPolicy, input.policy)
  return formatPatch({ ...patch, isGit: true }, FILE_HEADERS_ONLY)
}

export function formatCounter(value: number | boolean): string {
  return typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)
}

export function describeMapState(state: MapState): string {
  if (!state) return 'not mapped'
  const attributes = [state.valid ? 'valid' : 'INVALID', state.shared ? 'shared' : 'private', state.readOnly ? 'read-only' : 'read-write', state.noExec ? 'NX' : 'exec']
  return `${state.leaf}, ${attributes.join(', ')}`
}

/** The final map's kernel_page_tables text and, when comparing, its line diff with the other boot's. */
export function reportPtdump(input: Pick<ReportInput, 'result' | 'compare'>): { label: string; lines: string[]; diff?: ConsoleDiffRow[] } {
  const dump = ptdumpAt(input.result, null)
  return { label: dump?.label ?? '', lines: dump?.lines ?? [], diff: input.compare?.ptdump }
}

/** A line diff as unified text: ' ' both, '-' left only, '+' right only. */
export function unifiedLines(rows: readonly ConsoleDiffRow[]): string[] {
  return rows.map((r) => `${r.side === 'both' ? ' ' : r.side === 'left' ? '-' : '+'}${r.text}`)
}

/** What a report says for a learner who gave no name (the app's export, the command line without --learner). */
export const UNNAMED_LEARNER = 'unnamed learner'

/** The learner's name as the report shows it: never a blank line. */
export const shownLearner = (input: Pick<ReportInput, 'learner'>): string => input.learner.trim() || UNNAMED_LEARNER
