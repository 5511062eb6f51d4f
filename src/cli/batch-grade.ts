/*
 * `bootlab boot --lab <id|path> --policy-dir <dir> [--json] [--timeout <s>] [--jobs <n>]`:
 * grade every .c file of a folder of submissions against one lab. Each
 * submission is graded in a worker thread (grade-worker.ts) under a wall-clock
 * limit on top of the step budget, so a submission that loops, recurses, is
 * huge or breaks the simulator gets a clear error of its own and the run goes
 * on. One line per submission, in file-name order, then a summary; with --json
 * one JSON object per line, the summary last. Exit 0 only if every submission
 * passes every goal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Lab } from '../labs'
import { type GradeAnswer, type GradeRequest, GRADE_WORKER_ROLE, type GradeWorkerData } from './grade-worker'

/** A policy is a few KiB; a file this big is a mistake or an attack, and is not parsed. */
export const MAX_SUBMISSION_BYTES = 1024 * 1024
export const DEFAULT_TIMEOUT_SECONDS = 60
/** A worker that grows past this is stopped: one submission must not exhaust the grader's memory. */
const WORKER_HEAP_MB = 1024

export interface BatchOptions {
  json: boolean
  timeoutSeconds: number
  jobs: number
}

type ErrorKind = 'does not compile' | 'too large' | 'unreadable' | 'timed out' | 'crashed the grader'

export interface SubmissionResult {
  file: string
  status: 'passed' | 'failed' | 'error'
  score: number
  total: number
  failedGoals: string[]
  /** Why a submission could not be graded, for status 'error'. */
  error?: { kind: ErrorKind; message: string }
  /** The policy's first located problem (compile error, budget, bad call), when it has one. */
  problem?: string
  seconds: number
}

export interface BatchSummary {
  lab: string
  submissions: number
  passed: number
  failed: number
  errors: number
  errorKinds: Partial<Record<ErrorKind, number>>
  seconds: number
}

interface Submission {
  file: string
  path: string
}

/** The .c files directly in `dir`, by name; dotfiles and anything that is not a file are left out. */
export function listSubmissions(dir: string): Submission[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name.endsWith('.c') && !e.name.startsWith('.'))
    .map((e) => ({ file: e.name, path: join(dir, e.name) }))
    .filter((s) => statSync(s.path, { throwIfNoEntry: false })?.isFile())
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
}

type Reading = { text: string } | { error: { kind: ErrorKind; message: string } }

function readSubmission(s: Submission): Reading {
  try {
    const size = statSync(s.path).size
    if (size > MAX_SUBMISSION_BYTES) return { error: { kind: 'too large', message: `is ${(size / 2 ** 20).toFixed(1)} MiB; a policy is at most ${MAX_SUBMISSION_BYTES / 2 ** 20} MiB` } }
    return { text: readFileSync(s.path, 'utf8') }
  } catch (e) {
    return { error: { kind: 'unreadable', message: `cannot be read: ${(e as Error).message}` } }
  }
}

type WorkerReply = GradeAnswer | { id: number; crashed: string }

/**
 * A new worker running this module's own file, where grade-worker.ts starts
 * serving. Built, that file is the command line's bundle; run from the
 * TypeScript sources (tsx, tests), the worker first registers tsx's loader,
 * which workers do not inherit.
 */
function spawnWorker(data: GradeWorkerData): Worker {
  const options = { workerData: data, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } }
  const self = import.meta.url
  if (!self.endsWith('.ts')) return new Worker(new URL(self), options)
  const tsx = import.meta.resolve('tsx/esm/api')
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}) })`, { ...options, eval: true })
}

/** A grading worker, started and warmed up (parser and base kernel loaded). */
function startWorker(lab: Lab): Promise<Worker> {
  const worker = spawnWorker({ role: GRADE_WORKER_ROLE, lab })
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve(worker))
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the grading worker exited (${code}) while starting`)))
  })
}

/** Grade one submission in `worker`; a timeout or a crash leaves the worker unusable. */
function ask(worker: Worker, request: GradeRequest, timeoutMs: number): Promise<GradeAnswer | { error: { kind: ErrorKind; message: string } }> {
  return new Promise((resolve) => {
    const done = (value: GradeAnswer | { error: { kind: ErrorKind; message: string } }) => {
      clearTimeout(timer)
      worker.off('message', onMessage)
      worker.off('error', onError)
      resolve(value)
    }
    const onMessage = (reply: WorkerReply) => {
      if (reply.id !== request.id) return
      done('crashed' in reply ? { error: { kind: 'crashed the grader', message: `crashed the grader: ${reply.crashed}` } } : reply)
    }
    const onError = (e: Error) => done({ error: { kind: 'crashed the grader', message: `crashed the grader: ${e.message}` } })
    const timer = setTimeout(() => done({ error: { kind: 'timed out', message: `timed out after ${timeoutMs / 1000} s (the limit per submission)` } }), timeoutMs)
    worker.on('message', onMessage)
    worker.once('error', onError)
    worker.postMessage(request)
  })
}

function resultOf(file: string, total: number, seconds: number, outcome: GradeAnswer | { error: { kind: ErrorKind; message: string } }): SubmissionResult {
  if ('error' in outcome) return { file, status: 'error', score: 0, total, failedGoals: [], error: outcome.error, seconds }
  const base = { file, score: outcome.score, total: outcome.total, failedGoals: outcome.failedGoals, seconds, ...(outcome.problem ? { problem: outcome.problem } : {}) }
  if (!outcome.compiles) return { ...base, status: 'error', error: { kind: 'does not compile', message: `does not compile: ${outcome.problem}` } }
  return { ...base, status: outcome.passed ? 'passed' : 'failed' }
}

export function formatResult(r: SubmissionResult): string {
  const head = `${{ passed: 'PASS ', failed: 'FAIL ', error: 'ERROR' }[r.status]} ${`${r.score}/${r.total}`.padStart(7)}  ${r.file}`
  if (r.status === 'error') return `${head}: ${r.error!.message}`
  const why = [r.failedGoals.length ? `failed: ${r.failedGoals.join('; ')}` : '', r.problem ? `policy error at ${r.problem}` : ''].filter(Boolean)
  return why.length ? `${head}: ${why.join('; ')}` : head
}

export function formatSummary(s: BatchSummary): string {
  const kinds = Object.entries(s.errorKinds).map(([kind, n]) => `${n} ${kind}`)
  return `== lab ${s.lab}: ${s.submissions} submissions, ${s.passed} passed, ${s.failed} failed, ${s.errors} errors${kinds.length ? ` (${kinds.join(', ')})` : ''}; ${s.seconds.toFixed(1)} s`
}

/** Grade every submission of `dir`; prints as results come in, in file order. Resolves to the summary. */
export async function gradeDirectory(lab: Lab, dir: string, options: BatchOptions, out: (s: string) => void): Promise<BatchSummary> {
  const started = performance.now()
  const submissions = listSubmissions(dir)
  const total = lab.goals.reduce((n, g) => n + g.weight, 0)
  const results: (SubmissionResult | undefined)[] = new Array(submissions.length)
  let printed = 0
  const record = (index: number, result: SubmissionResult) => {
    results[index] = result
    for (; printed < results.length && results[printed]; printed++) out(options.json ? JSON.stringify(results[printed]) : formatResult(results[printed]!))
  }

  let next = 0
  const lane = async () => {
    let worker: Worker | null = null
    try {
      for (let index = next++; index < submissions.length; index = next++) {
        const s = submissions[index]
        const reading = readSubmission(s)
        if ('error' in reading) {
          record(index, resultOf(s.file, total, 0, reading))
          continue
        }
        worker ??= await startWorker(lab)
        const t0 = performance.now()
        const outcome = await ask(worker, { id: index, file: s.file, text: reading.text }, options.timeoutSeconds * 1000)
        if ('error' in outcome) {
          await worker.terminate()
          worker = null
        }
        record(index, resultOf(s.file, total, (performance.now() - t0) / 1000, outcome))
      }
    } finally {
      await worker?.terminate()
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, submissions.length)) }, lane))

  const all = results as SubmissionResult[]
  const errorKinds: BatchSummary['errorKinds'] = {}
  for (const r of all) if (r.error) errorKinds[r.error.kind] = (errorKinds[r.error.kind] ?? 0) + 1
  const summary: BatchSummary = {
    lab: lab.id,
    submissions: all.length,
    passed: all.filter((r) => r.status === 'passed').length,
    failed: all.filter((r) => r.status === 'failed').length,
    errors: all.filter((r) => r.status === 'error').length,
    errorKinds,
    seconds: (performance.now() - started) / 1000,
  }
  out(options.json ? JSON.stringify({ summary }) : formatSummary(summary))
  return summary
}

export const defaultJobs = (): number => Math.max(1, availableParallelism())
