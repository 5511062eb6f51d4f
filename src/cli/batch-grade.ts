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
import { closeSync, constants, type Dirent, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, type Stats, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { extname, join, sep } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Lab } from '../labs'
import { type GradeFormat, toGradescope, toJUnit } from './grade-formats'
import { PLAIN, type Style } from './style'
import { EMPTY_SUBMISSION, isEmptySubmission, MAX_SUBMISSION_BYTES } from './submission-limits'
import { nameFromBytes, terminalSafe } from './terminal-text'
import { type ErrorKind, type GradeAnswer, type GradeRequest, GRADE_WORKER_ROLE, type GradeWorkerData, type SubmissionResult } from './grade-worker'

/** A worker that grows past this is stopped: one submission must not exhaust the grader's memory. */
const WORKER_HEAP_MB = 1024
/**
 * The worker's young generation (V8's default is 16 MB at most on 64-bit). A boot
 * allocates tens of MB of short-lived objects (events, pictures, frames), so with the
 * default a grader spends about a quarter of its CPU in scavenges; measured on a
 * 200-file lab-05 class (npm run bench): 64 MB took the process from 5.7 s to about 4 s of CPU.
 */
const WORKER_YOUNG_MB = 64

export interface BatchOptions {
  format: GradeFormat
  timeoutSeconds: number
  jobs: number
  style?: Style
  /** Redraws a one-line progress report in place (a TTY); cleared at the end. */
  status?: (line: string) => void
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

export interface Submission {
  /** The entry's name as shown (non-UTF-8 bytes as \xNN). */
  file: string
  /** What to open: the entry, or the target of a symlink that stays inside the folder. */
  path: Buffer
  /** Why this entry is not graded, when it is not. */
  refused?: { kind: ErrorKind; message: string }
}

/** The file-system calls the listing makes; a test substitutes one that fails the way an unsearchable folder does for root. */
export interface SubmissionFs {
  readdirSync: (dir: string, options: { withFileTypes: true; encoding: 'buffer' }) => Dirent<Buffer>[]
  lstatSync: (path: Buffer) => Stats
  statSync: (path: Buffer) => Stats
  realpathSync: (path: Buffer) => Buffer
}

const nodeFs: SubmissionFs = {
  readdirSync: (dir, options) => readdirSync(dir, options),
  lstatSync: (path) => lstatSync(path),
  statSync: (path) => statSync(path),
  // The native realpath(3), as bytes: the JS one resolves through a string, and a target whose name
  // is not UTF-8 does not survive that (it was then reported as a dangling symlink).
  realpathSync: (path) => realpathSync.native(path, { encoding: 'buffer' }),
}

/** The folder given to --policy-dir cannot be listed: bad input (exit 3), unlike any one entry in it. */
export class SubmissionFolderError extends Error {}

const inside = (root: Buffer, path: Buffer) => path.equals(root) || (path.length > root.length && path.subarray(0, root.length).equals(root) && path[root.length] === sep.charCodeAt(0))

const SPECIAL_FILES: [keyof Stats & `is${string}`, string][] = [
  ['isDirectory', 'a directory'],
  ['isFIFO', 'a FIFO'],
  ['isSocket', 'a socket'],
  ['isCharacterDevice', 'a character device'],
  ['isBlockDevice', 'a block device'],
]

/** Why a path that exists is not a regular file, or null when it is one. */
function notARegularFile(stat: Stats): string | null {
  if (stat.isFile()) return null
  const kind = SPECIAL_FILES.find(([test]) => (stat[test] as () => boolean).call(stat))
  return `is ${kind ? kind[1] : 'not a regular file'}; a submission is a regular file`
}

const codeOf = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message

/** What one entry that looks like a submission is: a file to grade, or why it is not graded. */
function examine(fs: SubmissionFs, root: Buffer, name: string, path: Buffer): Submission {
  const refuse = (kind: ErrorKind, message: string): Submission => ({ file: name, path, refused: { kind, message } })
  if (name.startsWith('.')) return refuse('not graded', "is a hidden file (its name starts with '.'); rename it to grade it")
  if (!name.endsWith('.c')) return refuse('not graded', `ends in '${extname(name)}', not '.c'; rename it to grade it`)
  let target = path
  try {
    if (fs.lstatSync(path).isSymbolicLink()) {
      let real: Buffer
      try {
        real = fs.realpathSync(path)
      } catch (e) {
        const code = codeOf(e)
        if (code === 'ELOOP') return refuse('broken symlink', 'is a symlink loop (ELOOP); not read')
        if (code === 'ENOENT') return refuse('broken symlink', 'is a dangling symlink (its target does not exist); not read')
        return refuse('unreadable', `is a symlink that cannot be followed (${code}); not read`)
      }
      if (!inside(root, real)) return refuse('symlink out of the folder', `is a symlink to ${nameFromBytes(real)}, outside the submission folder; not read`)
      // Inside, but in a hidden folder: the grader's own files (a Classroom repository's .github/bootlab/<lab>/,
      // the lab's solution.c among them), or git's. A link there is not the student's work.
      const within = nameFromBytes(real.subarray(root.length + 1))
      if (within.split(sep).some((part) => part.startsWith('.'))) return refuse('not graded', `is a symlink to ${within}, in a hidden folder of the submission folder (the grader's files); not read`)
      target = real
    }
    const why = notARegularFile(fs.statSync(target))
    return why ? refuse('not a regular file', why) : { file: name, path: target }
  } catch (e) {
    return refuse('unreadable', `cannot be examined (${codeOf(e)}); not read`)
  }
}

/**
 * Every entry directly in `dir` whose name ends in .c (any case, dotfiles too),
 * in name order: each a file to grade or a refusal saying why not. Names are
 * read as bytes, so a name that is not UTF-8 is still found and opened.
 */
export function listSubmissions(dir: string, fs: SubmissionFs = nodeFs): Submission[] {
  let root: Buffer
  let entries: Dirent<Buffer>[]
  try {
    root = realpathSync.native(dir, { encoding: 'buffer' })
    entries = fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })
  } catch (e) {
    throw new SubmissionFolderError(`--policy-dir ${dir}: cannot be read (${codeOf(e)})`)
  }
  const prefix = Buffer.from(join(dir, '/'))
  return entries
    .map((e) => ({ name: nameFromBytes(e.name), bytes: e.name }))
    .filter(({ name }) => /\.c$/i.test(name))
    .map(({ name, bytes }) => examine(fs, root, name, Buffer.concat([prefix, bytes])))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
}

type Reading = { text: string } | { error: { kind: ErrorKind; message: string } }

/**
 * One buffer for every read, a byte past the cap (so a file that grew past it is seen): reads are
 * synchronous, one at a time, and the text is copied out. A fresh zeroed MiB per submission was
 * about 90 ms of a 200-file class's main-thread CPU, most of it garbage collection.
 */
let readBuffer: Buffer | null = null

/**
 * The submission's text. Opened without following a symlink and without
 * blocking, then checked on the open file: an entry swapped after the listing
 * for a link, a FIFO or a device is refused, and nothing past the cap is read.
 */
function readSubmission(s: Submission): Reading {
  if (s.refused) return { error: s.refused }
  let fd: number
  try {
    fd = openSync(s.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (e) {
    const code = codeOf(e)
    return { error: code === 'ELOOP' ? { kind: 'broken symlink', message: 'became a symlink after it was listed; not read' } : { kind: 'unreadable', message: `cannot be read (${code})` } }
  }
  try {
    const stat = fstatSync(fd)
    const why = notARegularFile(stat)
    if (why) return { error: { kind: 'not a regular file', message: why } }
    if (stat.size > MAX_SUBMISSION_BYTES) return { error: tooLarge(stat.size) }
    const buffer = (readBuffer ??= Buffer.allocUnsafe(MAX_SUBMISSION_BYTES + 1))
    let length = 0
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n
    if (length > MAX_SUBMISSION_BYTES) return { error: tooLarge(length) }
    const text = buffer.subarray(0, length).toString('utf8')
    return isEmptySubmission(text) ? { error: EMPTY_SUBMISSION } : { text }
  } catch (e) {
    return { error: { kind: 'unreadable', message: `cannot be read (${codeOf(e)})` } }
  } finally {
    closeSync(fd)
  }
}

function tooLarge(size: number): { kind: ErrorKind; message: string } {
  return { kind: 'too large', message: `is ${(size / 2 ** 20).toFixed(1)} MiB; a policy is at most ${MAX_SUBMISSION_BYTES / 2 ** 20} MiB` }
}

type WorkerReply = GradeAnswer | { id: number; crashed: string }

/**
 * A new worker running this module's own file, where grade-worker.ts starts
 * serving. Built, that file is the command line's class-grader chunk (loaded only
 * for --policy-dir), which imports grade-worker.ts; run from the
 * TypeScript sources (tsx, tests), the worker first registers tsx's loader,
 * which workers do not inherit.
 */
function spawnWorker(data: GradeWorkerData): Worker {
  const options = { workerData: data, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } }
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

/** One submission's result line from its grade, or from why it was not graded; `--policy` in a grader format uses it too. */
export function resultOf(file: string, total: number, seconds: number, outcome: Omit<GradeAnswer, 'id'> | { error: { kind: ErrorKind; message: string } }): SubmissionResult {
  if ('error' in outcome) return { file, status: 'error', score: 0, total, failedGoals: [], error: outcome.error, seconds }
  const base = { file, score: outcome.score, total: outcome.total, failedGoals: outcome.failedGoals, goals: outcome.goals, seconds, ...(outcome.problem ? { problem: outcome.problem } : {}) }
  if (!outcome.compiles) return { ...base, status: 'error', error: { kind: 'does not compile', message: `does not compile: ${outcome.problem}` } }
  return { ...base, status: outcome.passed ? 'passed' : 'failed' }
}

/** One line per submission; names, messages and quoted source have their control characters escaped. */
export function formatResult(r: SubmissionResult, style: Style = PLAIN): string {
  const word = { passed: style.green('PASS '), failed: style.red('FAIL '), error: style.red('ERROR') }[r.status]
  const head = `${word} ${`${r.score}/${r.total}`.padStart(7)}  ${terminalSafe(r.file)}`
  if (r.status === 'error') return `${head}: ${terminalSafe(r.error!.message)}`
  const why = [r.failedGoals.length ? `failed: ${r.failedGoals.join('; ')}` : '', r.problem ? `policy error at ${r.problem}` : ''].filter(Boolean)
  return why.length ? `${head}: ${terminalSafe(why.join('; '))}` : head
}

export function formatSummary(s: BatchSummary): string {
  const kinds = Object.entries(s.errorKinds).map(([kind, n]) => `${n} ${kind}`)
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  return `== lab ${s.lab}: ${plural(s.submissions, 'submission')}, ${s.passed} passed, ${s.failed} failed, ${plural(s.errors, 'error')}${kinds.length ? ` (${kinds.join(', ')})` : ''}; ${s.seconds.toFixed(1)} s`
}

/** Grade `submissions` (listSubmissions); prints as results come in, in file order. Resolves to the summary. */
export async function gradeSubmissions(lab: Lab, submissions: Submission[], options: BatchOptions, out: (s: string) => void): Promise<BatchSummary> {
  const started = performance.now()
  const total = lab.goals.reduce((n, g) => n + g.weight, 0)
  const results: (SubmissionResult | undefined)[] = new Array(submissions.length)
  let printed = 0
  let done = 0
  const record = (index: number, result: SubmissionResult) => {
    results[index] = result
    done++
    if (printed < results.length && results[printed]) options.status?.('')
    for (; printed < results.length && results[printed]; printed++) {
      const r = results[printed]!
      if (options.format === 'human') out(formatResult(r, options.style))
      else if (options.format === 'json') out(JSON.stringify(r))
      else if (options.format === 'gradescope') out(JSON.stringify(toGradescope(r, lab)))
    }
    if (done < results.length) options.status?.(`grading ${lab.id}: ${done}/${results.length} done, ${results.filter((r) => r?.status === 'passed').length} passed so far`)
  }
  options.status?.(`grading ${lab.id}: 0/${results.length} done`)

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
  options.status?.('')
  if (options.format === 'human') out(formatSummary(summary))
  else if (options.format === 'json') out(JSON.stringify({ summary }))
  else if (options.format === 'junit') out(toJUnit(all, lab, summary.seconds))
  return summary
}

export const defaultJobs = (): number => Math.max(1, availableParallelism())

/**
 * Shard `index` (1-based) of `count`: every count-th submission in name order,
 * starting at the index-th. The same folder gives the same shards on every
 * machine, and shards 1..count together hold every submission exactly once.
 */
export function shardOf<T>(submissions: T[], index: number, count: number): T[] {
  return submissions.filter((_, i) => i % count === index - 1)
}

/** A --shard argument, "i/n" with 1 <= i <= n, or null when it is not one. */
export function parseShard(text: string): { index: number; count: number } | null {
  const m = /^(\d+)\/(\d+)$/.exec(text)
  if (!m) return null
  const [index, count] = [Number(m[1]), Number(m[2])]
  return index >= 1 && index <= count ? { index, count } : null
}
