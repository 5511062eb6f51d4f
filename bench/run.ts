/*
 * npm run bench [-- --quick] [--reuse-artifacts] [--sizes 1,4,16] [--out file.json] [--compare old.json]
 * Prints every goal of issue 16 (and target of issue 6) with its measured value, spread and
 * pass/miss, the paired floor ratios, the growth tables and the scaling table, and writes the
 * report as JSON (default bench/results/<date>-<commit>.json, git-ignored) for comparison
 * across commits; --compare prints the change of every figure against an earlier report.
 * The keystroke figures are measured first, by the Chromium e2e alone (bench/keystroke.ts);
 * --quick and --reuse-artifacts read the ones the last e2e run wrote instead.
 * Exits 0 even on a miss: it measures, CI asserts.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { debugBench, formatDebugBench } from './debug'
import { type BenchReport, runBench } from './harness'
import { E2E_COMMAND, measureKeystrokes } from './keystroke'
import { formatComparison, formatReport } from './report'

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..')
const DEFAULT_SIZES = [1, 4, 16, 64, 256, 1024]

/** Short HEAD hash, suffixed "-dirty" when the working tree has uncommitted changes; null outside git. */
function currentCommit(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim()
    const head = git('rev-parse', '--short', 'HEAD')
    return git('status', '--porcelain', '--untracked-files=no') ? `${head}-dirty` : head
  } catch {
    return null
  }
}

function defaultOutput(report: BenchReport): string {
  const stamp = report.date.replace(/[:.]/g, '-')
  return join(REPO, 'bench', 'results', `${stamp}${report.commit ? `-${report.commit}` : ''}.json`)
}

/** An earlier report's figures; reports before version 2 had none, so their targets, costs and scaling rows stand in. */
function figuresOf(old: Partial<BenchReport> & { targets?: { id: string; unit: string; value: number }[] }): Pick<BenchReport, 'figures' | 'commit' | 'date'> {
  if (old.figures) return { figures: old.figures, commit: old.commit ?? null, date: old.date ?? '?' }
  const figures: BenchReport['figures'] = {}
  for (const t of old.targets ?? []) figures[`goal:${t.id}`] = { value: t.value, unit: t.unit }
  for (const c of old.costs ?? []) figures[`cost:${c.id}`] = { value: c.timing.medianMs, unit: 'ms' }
  for (const s of old.scaling ?? []) figures[`ram:${s.ramGiB}:boot`] = { value: s.boot.medianMs, unit: 'ms' }
  return { figures, commit: old.commit ?? null, date: old.date ?? '?' }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'reuse-artifacts': { type: 'boolean', default: false },
      sizes: { type: 'string' },
      out: { type: 'string' },
      compare: { type: 'string' },
    },
  })
  const scalingGiB = values.sizes ? values.sizes.split(',').map(Number) : DEFAULT_SIZES
  if (scalingGiB.some((g) => !Number.isInteger(g) || g < 1)) throw new Error(`--sizes wants whole GiB counts, got '${values.sizes}'`)
  if (!values.quick && !values['reuse-artifacts']) {
    process.stdout.write(`Measuring keystroke → painted in Chromium first, alone (${E2E_COMMAND})…\n`)
    const problem = measureKeystrokes()
    if (problem) process.stdout.write(`${problem}\n`)
  }
  const report = await runBench({ quick: values.quick, scalingGiB }, currentCommit())
  const debug = await debugBench(values.quick)
  const out = values.out ?? defaultOutput(report)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify({ ...report, debug }, null, 1) + '\n')
  process.stdout.write(formatReport(report) + `\n\n${formatDebugBench(debug)}\nwritten: ${relative(process.cwd(), out)}\n`)
  if (values.compare) process.stdout.write(`\n${formatComparison(figuresOf(JSON.parse(readFileSync(values.compare, 'utf8'))), report)}\n`)
}

await main()
