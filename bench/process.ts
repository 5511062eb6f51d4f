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
 *   per-submission CPU = the process's user+sys CPU (workers included) / submissions.
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

export interface ClassFigures {
  lab: string
  submissions: number
  passed: number
  rows: ClassRow[]
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

export function classGrading(submissions: number, jobs: number[]): ClassFigures | null {
  if (!ensureCliBuilt()) return null
  const dir = mkdtempSync(join(tmpdir(), 'bootlab-bench-class-'))
  const cache = join(dir, 'cache')
  mkdirSync(join(dir, 'class'))
  writeClass(join(dir, 'class'), submissions)
  try {
    const rows: ClassRow[] = []
    let passed = 0
    for (const j of jobs) {
      const r = run([CLI_BIN, 'boot', '--lab', '05-move-swiotlb', '--policy-dir', join(dir, 'class'), '--jobs', String(j), '--json'], { BOOTLAB_CACHE_DIR: cache })
      passed = r.stdout.split("\n").filter((line) => line.includes('"status":"passed"')).length
      rows.push({ jobs: j, wallMs: r.wallMs, cpuMs: r.cpuMs, perSubmissionCpuMs: r.cpuMs === null ? null : r.cpuMs / submissions, perSubmissionWallMs: r.wallMs / submissions })
    }
    return { lab: '05-move-swiotlb', submissions, passed, rows }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

