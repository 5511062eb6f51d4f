// The bench harness runs end to end and writes a well-formed report; no timing thresholds here.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { BenchReport } from '../../bench/harness'
import { paired } from '../../bench/measure'
import { formatComparison } from '../../bench/report'

const REPO = join(import.meta.dirname, '../..')

describe('npm run bench', () => {
  it('prints every goal and writes the JSON report (quick mode), and --compare prints the change per figure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootlab-bench-'))
    const out = join(dir, 'report.json')
    const old = join(dir, 'old.json')
    const run = (args: string[]) => promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--quick', '--sizes', '1,4', ...args], { cwd: REPO, maxBuffer: 16 * 2 ** 20 })
    const { stdout } = await run(['--out', out])
    const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport

    expect(report).toMatchObject({ version: 2, quick: true })
    // The machine's speed at both ends of the run, printed and in --compare's figures.
    expect(report.machine.speedProbeMs.start).toBeGreaterThan(0)
    expect(report.machine.speedProbeMs.end).toBeGreaterThan(0)
    expect(report.figures['machine:speed-probe']).toEqual({ value: report.machine.speedProbeMs.start, unit: 'ms' })
    expect(stdout).toMatch(/machine speed probe \(a fixed integer loop, median of 5\): [\d.]+ ms at the start, [\d.]+ ms at the end/)
    const ids = report.goals.map((g) => g.id)
    expect(ids).toEqual([
      'keystroke-realm',
      'keystroke-lab05',
      'keystroke-lab05-goals',
      'keystroke-host-1t',
      'cli-cold',
      'class-cpu-per-submission',
      'decrypts-gapped',
      'decrypts-contiguous',
      'cpus-max',
      'boot-fixed',
      'boot-base',
      'compare',
      'host-1t-time',
      'host-1t-heap',
      'dense-split-ratio',
      'dense-masks-ratio',
    ])
    for (const g of report.goals) {
      expect(stdout).toContain(g.name)
      if (g.value === null) {
        // Not measured here (quick mode runs no child process; keystrokes come from the Chromium e2e): said so, with why.
        expect(g.pass).toBeNull()
        expect(g.note).toBeTruthy()
      } else {
        expect(g.value).toBeGreaterThan(0)
        expect(typeof g.pass).toBe('boolean')
      }
    }
    expect(report.goals.find((g) => g.id === 'cli-cold')?.pass).toBeNull()
    expect(report.floor.map((f) => [f.id, f.entries, f.floorKind])).toEqual([
      ['repaint', (16 * 2 ** 30) / 4096, 'stores'],
      ['dense-split', (4 * 2 ** 30) / 4096, 'stores + a new table per 512 entries'],
      ['dense-masks', (4 * 2 ** 30) / 4096, 'stores'],
    ])
    for (const f of report.floor) expect(f.ratio.p10 <= f.ratio.median && f.ratio.median <= f.ratio.p90).toBe(true)
    expect(report.costs.map((c) => c.id)).toEqual(['compile', 'boot-first', 'boot-only', 'clone', 'worker-request'])

    // Growth tables: both decrypt patterns and the CPU table, every row booted with the work it names.
    expect(report.growth.map((g) => `${g.table}:${g.n}`)).toEqual(['decrypts-gapped:10', 'decrypts-gapped:100', 'decrypts-contiguous:10', 'decrypts-contiguous:100', 'cpus:1', 'cpus:16'])
    for (const g of report.growth) expect(g.verdict).toBe('booted')
    const [g10, g100] = report.growth
    expect(g100.decryptCalls - g10.decryptCalls).toBe(90)
    expect(g100.policySteps).toBeGreaterThan(g10.policySteps)

    // Runaway guards (quick: the range updates scaled down and one boot), each ended as its unit test expects.
    expect(report.runaways.map((w) => [w.what, w.ending.replace(/ \(CPU p10\.\.p90 \d+\.\.\d+ ms\)$/, ' (spread)')])).toEqual([
      ['5,000 fragmenting range updates', '2,500 ranges left (spread)'],
      ['a shift too large for a C integer', 'runaway.c:4 runtime'],
    ])
    for (const w of report.runaways) {
      expect(stdout).toContain(w.what)
      expect(report.figures[`runaway:${w.what}:cpu`]).toEqual({ value: w.cpuMs, unit: 'ms' })
    }

    // Bigger guests count more tables (and PTEs) but hold only a few more objects.
    const [small, big] = report.scaling
    expect([small.ramGiB, big.ramGiB]).toEqual([1, 4])
    expect(big.census.tablesCounted).toBeGreaterThan(small.census.tablesCounted)
    expect(big.ptes).toBeGreaterThan(small.ptes)
    expect(big.census.tableObjects).toBeLessThan(big.census.tablesCounted)
    expect(small.heap.peakBytes).toBeGreaterThanOrEqual(small.heap.baselineBytes)
    expect(small.heap.verdict).toBe('booted')

    // Every figure is in the flat map --compare uses.
    expect(report.figures['goal:boot-fixed']).toEqual({ value: report.goals.find((g) => g.id === 'boot-fixed')!.value, unit: 'ms' })
    expect(report.figures['growth:decrypts-gapped:100:cpu'].unit).toBe('ms')

    // --compare against a report whose boot took a thousand times as long: the change is printed per figure.
    const slower = { ...report, figures: { ...report.figures, 'goal:boot-fixed': { value: report.figures['goal:boot-fixed'].value * 1000, unit: 'ms' } } }
    writeFileSync(old, JSON.stringify(slower))
    const second = await run(['--out', join(dir, 'second.json'), '--compare', old])
    expect(second.stdout).toContain('Change per figure')
    // The printed change is the one the two written reports give (a second run can be over twice as fast
    // as the first, which rounds to -100.0 %, so no fixed range is assumed).
    const now = JSON.parse(readFileSync(join(dir, 'second.json'), 'utf8')).figures['goal:boot-fixed'].value as number
    const before = slower.figures['goal:boot-fixed'].value
    const change = (((now - before) / before) * 100).toFixed(1)
    expect(Number(change)).toBeLessThan(-90)
    expect(second.stdout).toMatch(new RegExp(`goal:boot-fixed\\s+ms\\s+[\\d.]+\\s+[\\d.]+\\s+${change.replace('.', '\\.')} %`))
  }, 300_000)
})

describe('paired measurement', () => {
  it('interleaves model and floor and takes the median of the per-pair ratios', () => {
    const calls: string[] = []
    const busy = (ms: number) => {
      const end = performance.now() + ms
      while (performance.now() < end);
    }
    const p = paired(
      () => {
        calls.push('m')
        busy(2)
      },
      () => {
        calls.push('f')
        busy(1)
      },
      6,
      1,
    )
    // One warm-up pair, then the order alternates: AB, BA, AB, ...
    expect(calls.join('')).toBe('mf' + 'mf' + 'fm' + 'mf' + 'fm' + 'mf' + 'fm')
    expect(p.ratio.pairs).toBe(6)
    expect(p.ratio.median).toBeGreaterThan(1.2)
    expect(p.ratio.p10).toBeLessThanOrEqual(p.ratio.median)
    expect(p.ratio.p90).toBeGreaterThanOrEqual(p.ratio.median)
  })

  it('compares figures both reports have and names the ones that went away', () => {
    const text = formatComparison(
      { commit: 'old', date: 'd0', figures: { a: { value: 10, unit: 'ms' }, gone: { value: 1, unit: 'ms' } } },
      { commit: 'new', date: 'd1', figures: { a: { value: 5, unit: 'ms' }, fresh: { value: 3, unit: 'ms' } } },
    )
    expect(text).toMatch(/a\s+ms\s+10\.0\s+5\.00\s+-50\.0 %/)
    expect(text).toContain('only in the old report: gone')
    expect(text).not.toContain('fresh')
  })
})
