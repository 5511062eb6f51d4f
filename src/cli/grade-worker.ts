/*
 * The worker thread that grades submissions for `bootlab boot --lab <id>
 * --policy-dir <dir>` (batch-grade.ts). A boot is synchronous, so a submission
 * that kept the CPU busy would block the grader's event loop; in a worker it can
 * be timed out by terminating the thread. The worker loads the C parser and the
 * base kernel once, then grades one submission per message.
 *
 * Started as `new Worker(<this module's file>)`: in the bundled command line
 * that file is the bundle itself, so this module starts the loop on import
 * when it finds itself in a grading worker.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import type { Diagnostic, KernelPolicy } from '../core'
import { bootLab, gradeRuns, type Lab, labPolicyLookup, needsCompareWith } from '../labs'
import { loadBasePolicy, loadKernelPolicy } from '../node/kernel-policy'
import { loadCParser } from '../node/c-parser'

export const GRADE_WORKER_ROLE = 'bootlab-grade-worker'

export interface GradeWorkerData {
  role: typeof GRADE_WORKER_ROLE
  lab: Lab
}

/** One goal of one submission: passed or not, and the evidence when not. */
export interface GoalOutcome {
  name: string
  weight: number
  passed: boolean
  /** Why the goal matters (the lab's words); shown with the evidence when it fails. */
  message: string
  evidence: string[]
}

export interface GradeRequest {
  id: number
  file: string
  text: string
}

/** What one submission earned; `error` when it could not be graded at all (it does not compile). */
export interface GradeAnswer {
  id: number
  passed: boolean
  score: number
  total: number
  failedGoals: string[]
  /** Every goal's outcome, for the autograder formats (JUnit, Gradescope). */
  goals: GoalOutcome[]
  /** The first located problem of the policy: a compile error, or what stopped it at run time. */
  problem?: string
  compiles: boolean
}

const located = (d: Diagnostic) => `${d.file}:${d.line}:${d.column}: ${d.message}`

async function grade(lab: Lab, compareWith: KernelPolicy | undefined, request: GradeRequest): Promise<GradeAnswer> {
  const policy = await loadKernelPolicy({ name: request.file.replace(/\.c$/, ''), file: request.file, text: request.text }, labPolicyLookup(lab))
  const compileError = policy.diagnostics.find((d) => d.severity === 'error')
  const runs = bootLab(lab, { policy, compareWith, parser: await loadCParser() })
  const grade = gradeRuns(lab, runs)
  const runError = runs.flatMap((r) => r.result.diagnostics).find((d) => d.severity === 'error')
  return {
    id: request.id,
    passed: grade.passed,
    score: grade.score,
    total: grade.total,
    failedGoals: grade.goals.filter((g) => !g.passed).map((g) => g.name),
    goals: grade.goals.map((g) => ({ name: g.name, weight: g.weight, passed: g.passed, message: g.message, evidence: g.evidence })),
    problem: compileError || runError ? located((compileError ?? runError)!) : undefined,
    compiles: !compileError,
  }
}

async function serve(data: GradeWorkerData): Promise<void> {
  const port = parentPort!
  const { lab } = data
  await loadBasePolicy()
  const compareWith = lab.compareWith && needsCompareWith(lab) ? await loadKernelPolicy(lab.compareWith, labPolicyLookup(lab)) : undefined
  port.on('message', (request: GradeRequest) => {
    grade(lab, compareWith, request).then(
      (answer) => port.postMessage(answer),
      (error: unknown) => port.postMessage({ id: request.id, crashed: error instanceof Error ? error.message : String(error) }),
    )
  })
  port.postMessage('ready')
}

if (!isMainThread && (workerData as GradeWorkerData | undefined)?.role === GRADE_WORKER_ROLE) void serve(workerData as GradeWorkerData)
