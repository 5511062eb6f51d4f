/*
 * npm run bench [-- --quick] [--sizes 1,4,16] [--out file.json]
 * Prints every target of issue 6 with its measured value and pass/miss, the floor ratios and
 * the scaling table, and writes the report as JSON (default bench/results/<date>-<commit>.json,
 * git-ignored) for comparison across commits. Exits 0 even on a miss: it measures, CI asserts.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { debugBench, formatDebugBench } from './debug'
import { type BenchReport, runBench } from './harness'
import { formatReport } from './report'

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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      out: { type: 'string' },
    },
  })
  const scalingGiB = values.sizes ? values.sizes.split(',').map(Number) : DEFAULT_SIZES
  if (scalingGiB.some((g) => !Number.isInteger(g) || g < 1)) throw new Error(`--sizes wants whole GiB counts, got '${values.sizes}'`)
  const report = await runBench({ quick: values.quick, scalingGiB }, currentCommit())
  const debug = await debugBench(values.quick)
  const out = values.out ?? defaultOutput(report)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify({ ...report, debug }, null, 1) + '\n')
  process.stdout.write(formatReport(report) + `\n\n${formatDebugBench(debug)}\nwritten: ${relative(process.cwd(), out)}\n`)
}

await main()
