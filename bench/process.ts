/*
 * Whole-process figures, measured the way a user meets them:
 *
 * - One cold command-line boot: `node bin/bootlab.mjs boot --scenario realm --policy series`
 *   (the bundle the package ships, out/cli; rebuilt first when stale), timed from spawn to
 *   exit, with its CPU time from /usr/bin/time when it exists. "First run" is with an empty
 *   compiled-state cache (a fresh BOOTLAB_CACHE_DIR), "cold" every later process (new
 *   process, cold JIT, cache filled).
 * - Class grading: a generated class of lab-05 submissions (the start and the solution with
 *   edits that change nothing, half of them fixed) graded by `--policy-dir` with 1..N jobs;
 *   per-submission CPU = the process's user+sys CPU (workers included) / submissions. A class
 *   a quarter the size, graded too, splits that into the cost of each added submission and
 *   the process's fixed cost (start-up and the JIT's warm-up).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI_BIN, ensureCliBuilt, ROOT } from '../scripts/cli-build.mjs'
import { timingOf, type Timing } from './measure'

const TIME = '/usr/bin/time'

export interface ProcessRun {
  wallMs: number
  /** user + sys CPU of the process and its threads; null without /usr/bin/time. */
  cpuMs: number | null
  status: number | null
  stdout: string
}

function run(args: string[], env: NodeJS.ProcessEnv): ProcessRun {
  const withTime = existsSync(TIME)
  const argv = withTime ? [TIME, '-f', 'BENCH_CPU %U %S', process.execPath, ...args] : [process.execPath, ...args]
  const t0 = performance.now()
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
  const wallMs = performance.now() - t0
  const m = /BENCH_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '')
  return { wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : null, status: r.status, stdout: r.stdout ?? '' }
}

export interface CliFigures {
  command: string
  firstRun: ProcessRun
  cold: Timing
  coldCpu: Timing | null
}

export function cliColdBoot(runs: number): CliFigures | null {
  if (!ensureCliBuilt()) return null
  const cache = mkdtempSync(join(tmpdir(), 'bootlab-bench-cache-'))
  const args = [CLI_BIN, 'boot', '--scenario', 'realm', '--policy', 'series']
  try {
    const env = { BOOTLAB_CACHE_DIR: cache }
    const firstRun = run(args, env)
    const later = Array.from({ length: runs }, () => run(args, env))
    const cpus = later.map((r) => r.cpuMs).filter((c): c is number => c !== null)
    return { command: 'bootlab boot --scenario realm --policy series', firstRun, cold: timingOf(later.map((r) => r.wallMs)), coldCpu: cpus.length ? timingOf(cpus) : null }
  } finally {
    rmSync(cache, { recursive: true, force: true })
  }
}

export interface ClassRow {
  jobs: number
  wallMs: number
  cpuMs: number | null
  perSubmissionCpuMs: number | null
  perSubmissionWallMs: number
}

/**
 * The per-submission CPU split by two class sizes (--jobs 1): what each added submission costs
 * once the grader is warm, and what the process pays whatever the class (start-up, and most of
 * the JIT's warm-up: V8 optimises the model's hot code in its first few dozen submissions).
 */
export interface ClassCostModel {
  smallSubmissions: number
  smallCpuMs: number
  marginalCpuMs: number
  fixedCpuMs: number
}

export interface ClassFigures {
  lab: string
  submissions: number
  passed: number
  rows: ClassRow[]
  costModel: ClassCostModel | null
}

/** A class: the start and the solution, with comment and blank-line edits so every file is its own text. */
function writeClass(dir: string, n: number): void {
  const labDir = join(ROOT, 'labs', '05-move-swiotlb')
  const start = readFileSync(join(labDir, 'start.c'), 'utf8')
  const solution = readFileSync(join(labDir, 'solution.c'), 'utf8')
  for (let i = 0; i < n; i++) {
    const text = (i % 2 ? solution : start) + `\n/* submission ${i} */\n` + '\n'.repeat(i % 5)
    writeFileSync(join(dir, `student-${String(i).padStart(3, '0')}.c`), text)
  }
}

function gradeClass(dir: string, jobs: number, cache: string): ProcessRun {
  return run([CLI_BIN, 'boot', '--lab', '05-move-swiotlb', '--policy-dir', dir, '--jobs', String(jobs), '--json'], { BOOTLAB_CACHE_DIR: cache })
}

export function classGrading(submissions: number, jobs: number[], smallSubmissions = Math.round(submissions / 4)): ClassFigures | null {
  if (!ensureCliBuilt()) return null
  const dir = mkdtempSync(join(tmpdir(), 'bootlab-bench-class-'))
  const cache = join(dir, 'cache')
  mkdirSync(join(dir, 'class'))
  writeClass(join(dir, 'class'), submissions)
  mkdirSync(join(dir, 'small'))
  writeClass(join(dir, 'small'), smallSubmissions)
  try {
    const rows: ClassRow[] = []
    let passed = 0
    for (const j of jobs) {
      const r = gradeClass(join(dir, 'class'), j, cache)
      passed = r.stdout.split("\n").filter((line) => line.includes('"status":"passed"')).length
      rows.push({ jobs: j, wallMs: r.wallMs, cpuMs: r.cpuMs, perSubmissionCpuMs: r.cpuMs === null ? null : r.cpuMs / submissions, perSubmissionWallMs: r.wallMs / submissions })
    }
    const small = gradeClass(join(dir, 'small'), 1, cache).cpuMs
    const big = rows.find((r) => r.jobs === 1)?.cpuMs ?? null
    let costModel: ClassCostModel | null = null
    if (small !== null && big !== null) {
      const marginalCpuMs = (big - small) / (submissions - smallSubmissions)
      costModel = { smallSubmissions, smallCpuMs: small, marginalCpuMs, fixedCpuMs: small - marginalCpuMs * smallSubmissions }
    }
    return { lab: '05-move-swiotlb', submissions, passed, rows, costModel }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
