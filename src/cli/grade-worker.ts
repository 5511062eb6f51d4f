/*
 * The worker thread that grades submissions for `bootlab boot --lab <id>
 * --policy-dir <dir>` (batch-grade.ts). A boot is synchronous, so a submission
 * that kept the CPU busy would block the grader's event loop; in a worker it can
 * be timed out by terminating the thread. The worker loads the C parser and the
 * base kernel (and compiles the lab's compareWith state) once, then grades one
 * submission per message with src/labs gradePolicy.
 *
 * Started as `new Worker(<batch-grade.ts's file>)`: in the bundled command line
 * that file is the class grader's chunk, which imports this one, so this module starts the loop on import
 * when it finds itself in a grading worker.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import type { Diagnostic, KernelPolicy } from '../core'
import { compileCompareWith, gradePolicy, type Lab, type LabCompiler, type PolicyGrade } from '../labs'
import { loadLabCompiler } from '../node/kernel-policy'

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

/** Why a submission could not be graded. */
export type ErrorKind =
  | 'does not compile'
  | 'too large'
  | 'unreadable'
  | 'timed out'
  | 'crashed the grader'
  | 'symlink out of the folder'
  | 'broken symlink'
  | 'not a regular file'
  | 'not graded'
  | 'empty'

/** One submission's line of a class's grades. */
export interface SubmissionResult {
  file: string
  status: 'passed' | 'failed' | 'error'
  score: number
  total: number
  failedGoals: string[]
  /** Every goal's outcome; absent when the submission could not be graded. */
  goals?: GoalOutcome[]
  /** Why a submission could not be graded, for status 'error'. */
  error?: { kind: ErrorKind; message: string }
  /** The policy's first located problem (compile error, budget, bad call), when it has one. */
  problem?: string
  seconds: number
}

const located = (d: Diagnostic) => `${d.file}:${d.line}:${d.column}: ${d.message}`

/** A policy's grade as the grader formats report it (a class's worker and a single `--policy` alike). */
export function answerOf({ grade, problem, compiles }: Pick<PolicyGrade, 'grade' | 'problem' | 'compiles'>): Omit<GradeAnswer, 'id'> {
  return {
    passed: grade.passed,
    score: grade.score,
    total: grade.total,
    failedGoals: grade.goals.filter((g) => !g.passed).map((g) => g.name),
    goals: grade.goals.map((g) => ({ name: g.name, weight: g.weight, passed: g.passed, message: g.message, evidence: g.evidence })),
    problem: problem && located(problem),
    compiles,
  }
}

/** One submission graded by the sequence every host shares (src/labs/grade-policy.ts). */
function answer(lab: Lab, compiler: LabCompiler, compareWith: KernelPolicy | undefined, request: GradeRequest): GradeAnswer {
  const source = { name: request.file.replace(/\.c$/, ''), file: request.file, text: request.text }
  return { id: request.id, ...answerOf(gradePolicy(lab, source, compiler, compareWith)) }
}

async function serve(data: GradeWorkerData): Promise<void> {
  const port = parentPort!
  const { lab } = data
  const compiler = await loadLabCompiler()
  const compareWith = compileCompareWith(lab, compiler)
  port.on('message', (request: GradeRequest) => {
    try {
      port.postMessage(answer(lab, compiler, compareWith, request))
    } catch (error) {
      port.postMessage({ id: request.id, crashed: error instanceof Error ? error.message : String(error) })
    }
  })
  port.postMessage('ready')
}

if (!isMainThread && (workerData as GradeWorkerData | undefined)?.role === GRADE_WORKER_ROLE) void serve(workerData as GradeWorkerData)
