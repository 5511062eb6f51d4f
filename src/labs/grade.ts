/*
 * Grading: boot a policy on every scenario of a lab and check every goal on
 * every boot it applies to. A goal passes only if it holds on all of them, so a
 * fix fitted to one machine fails on the others. Pure: the host compiles the
 * policies (it owns the C parser) and hands them in.
 */
import { boot, type BootOptions, type BootResult, DebugSession, type DebugTarget, type KernelPolicy } from '../core'
import { type Baseline, type BreakpointHits, checkGoal } from './goals'
import type { Lab, LabScenario } from './lab'
import type { Goal, GoalType } from './schema'

/** One boot of the graded policy, with the compareWith boot on the same machine when a goal needs it. */
export interface LabRun {
  scenario: LabScenario
  result: BootResult
  baseline?: Baseline
  /** Breakpoint goals' hits, by goal name, from one debug run of the same boot. */
  breakpoints?: Map<string, BreakpointHits>
}

export interface GoalCheck {
  scenario: string
  passed: boolean
  detail: string
}

export interface GoalResult {
  name: string
  type: GoalType
  weight: number
  passed: boolean
  /** Why the goal matters (from the manifest). */
  message: string
  /** The failing checks, each ending "in boot of <scenario>"; empty when the goal passed. */
  evidence: string[]
  checks: GoalCheck[]
}

export interface LabGrade {
  labId: string
  policyName: string
  passed: boolean
  /** Sum of the weights of the goals that passed, out of `total`. */
  score: number
  total: number
  goals: GoalResult[]
  boots: { scenario: string; status: BootResult['verdict']['status']; headline: string }[]
}

export interface LabPolicies {
  policy: KernelPolicy
  /** The lab's compareWith policy, compiled; needed when a goal is relative to it. */
  compareWith?: KernelPolicy
  /** The C grammar, for breakpoint goals' expressions. */
  parser?: DebugTarget['parser']
}

export function needsCompareWith(lab: Lab): boolean {
  return lab.goals.some((g) => g.type === 'counter' && g.relativeTo === 'compareWith')
}

type BreakpointGoal = Extract<Goal, { type: 'breakpoint' }>
const breakpointGoals = (lab: Lab) => lab.goals.filter((g): g is BreakpointGoal => g.type === 'breakpoint')

/**
 * One debug run of the boot for all the lab's breakpoint goals: each is a
 * function logpoint (condition `when`) printing the value of `expect`.
 */
function breakpointHits(goals: BreakpointGoal[], s: LabScenario, policy: KernelPolicy, parser: DebugTarget['parser']): Map<string, BreakpointHits> {
  const out = new Map<string, BreakpointHits>()
  if (!policy.program) return out
  const session = new DebugSession({ scenario: s.scenario, policy, parser })
  const set = session.setFunctionBreakpoints(goals.map((g) => ({ function: g.function, condition: g.when, logMessage: `{${g.expect}}` })))
  const logs = session.recording().logs
  goals.forEach((g, i) => {
    const bp = set[i]
    out.set(g.name, bp.verified ? { hits: logs.filter((l) => l.breakpoint === bp.id).map((l) => ({ index: l.index, value: l.text })) } : { problem: bp.message, hits: [] })
  })
  return out
}

/**
 * Goals read the final map only, and only a shared-range goal reads it (goals.ts): a graded
 * boot keeps the end of boot's picture when the lab has one, else no picture at all.
 */
const gradingBoot = (lab: Lab): BootOptions => ({ pictures: lab.goals.some((g) => g.type === 'shared-range') ? 'end of boot' : 'none' })

export function bootLab(lab: Lab, policies: LabPolicies): LabRun[] {
  if (needsCompareWith(lab) && !policies.compareWith) throw new Error(`lab ${lab.id} has goals relative to its compareWith policy: pass it compiled`)
  const debugGoals = breakpointGoals(lab)
  if (debugGoals.length && !policies.parser) throw new Error(`lab ${lab.id} has breakpoint goals: pass the C parser`)
  const options = gradingBoot(lab)
  return lab.scenarios.map((s) => {
    const run: LabRun = { scenario: s, result: boot(s.scenario, policies.policy, options) }
    if (needsCompareWith(lab) && policies.compareWith) run.baseline = { policyName: policies.compareWith.name, result: boot(s.scenario, policies.compareWith, options) }
    if (debugGoals.length && policies.parser) run.breakpoints = breakpointHits(debugGoals, s, policies.policy, policies.parser)
    return run
  })
}

const appliesTo = (goal: Goal, s: LabScenario) => !goal.scenarios || goal.scenarios.includes(s.family) || goal.scenarios.includes(s.name)

const IN_BOOT_OF_TEXT = ' in boot of '
const IN_BOOT_OF = new RegExp(`${IN_BOOT_OF_TEXT}(\\S+)$`)

/**
 * A goal's evidence with each distinct detail once, in first-seen order, with the machines it was
 * seen on: a lab's seeded variants fail alike, and one line per machine repeated the same words.
 */
export function groupEvidence(evidence: readonly string[]): { detail: string; scenarios: string[] }[] {
  const groups = new Map<string, string[]>()
  for (const e of evidence) {
    const m = IN_BOOT_OF.exec(e)
    const detail = m ? e.slice(0, m.index) : e
    const scenarios = groups.get(detail) ?? []
    if (m) scenarios.push(m[1])
    groups.set(detail, scenarios)
  }
  return [...groups].map(([detail, scenarios]) => ({ detail, scenarios }))
}

/** The machines a detail was seen on, as the lab pane and the terminal say it: "on realm", "on 3 machines: …". */
export function onMachines(scenarios: readonly string[]): string {
  return `on ${scenarios.length === 1 ? scenarios[0] : `${scenarios.length} machines: ${scenarios.join(', ')}`}`
}

/** The evidence as lines for a report: each detail once, "(on realm, realm-mixed)" after it. */
export function evidenceLines(evidence: readonly string[]): string[] {
  return groupEvidence(evidence).map(({ detail, scenarios }) => (scenarios.length ? `${detail} (on ${scenarios.join(', ')})` : detail))
}

export function gradeRuns(lab: Lab, runs: LabRun[]): LabGrade {
  const goals = lab.goals.map((goal): GoalResult => {
    const checks = runs
      .filter((run) => appliesTo(goal, run.scenario))
      .map((run) => ({ scenario: run.scenario.name, ...checkGoal(goal, run.result, run.baseline, run.breakpoints?.get(goal.name)) }))
    const failed = checks.filter((c) => !c.passed)
    return {
      name: goal.name,
      type: goal.type,
      weight: goal.weight,
      passed: failed.length === 0,
      message: goal.message,
      evidence: failed.map((c) => `${c.detail}${IN_BOOT_OF_TEXT}${c.scenario}`),
      checks,
    }
  })
  return {
    labId: lab.id,
    policyName: runs[0]?.result.policyName ?? '',
    passed: goals.every((g) => g.passed),
    score: goals.filter((g) => g.passed).reduce((n, g) => n + g.weight, 0),
    total: goals.reduce((n, g) => n + g.weight, 0),
    goals,
    boots: runs.map((run) => ({ scenario: run.scenario.name, status: run.result.verdict.status, headline: run.result.verdict.headline })),
  }
}

export function gradeLab(lab: Lab, policies: LabPolicies): LabGrade {
  return gradeRuns(lab, bootLab(lab, policies))
}
