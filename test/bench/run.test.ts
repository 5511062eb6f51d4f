// The bench harness runs end to end and writes a well-formed report; no timing thresholds here.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { BenchReport } from '../../bench/harness'

const REPO = join(import.meta.dirname, '../..')

describe('npm run bench', () => {
  it('prints every target and writes the JSON report (quick mode)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bootlab-bench-')), 'report.json')
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/run.ts', '--quick', '--sizes', '1,4', '--out', out], {
      cwd: REPO,
    })
    const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport

    expect(report).toMatchObject({ version: 1, quick: true })
    expect(report.targets.map((t) => t.id)).toEqual(['boot-fixed', 'boot-base', 'compare', 'host-1t-time', 'host-1t-heap', 'dense-split-ratio', 'dense-masks-ratio'])
    for (const t of report.targets) {
      expect(t.value).toBeGreaterThan(0)
      expect(typeof t.pass).toBe('boolean')
      expect(stdout).toContain(t.name)
    }
    expect(report.floor.map((f) => [f.id, f.entries])).toEqual([
      ['repaint', (16 * 2 ** 30) / 4096],
      ['dense-split', (4 * 2 ** 30) / 4096],
      ['dense-masks', (4 * 2 ** 30) / 4096],
    ])
    for (const f of report.floor) expect([f.ratio, f.memsetRatio, f.allocRatio].every((r) => r > 0)).toBe(true)
    expect(report.costs.map((c) => c.id)).toEqual(['compile', 'boot-only', 'worker-request'])

    // Bigger guests count more tables (and PTEs) but hold only a few more objects.
    const [small, big] = report.scaling
    expect([small.ramGiB, big.ramGiB]).toEqual([1, 4])
    expect(big.census.tablesCounted).toBeGreaterThan(small.census.tablesCounted)
    expect(big.ptes).toBeGreaterThan(small.ptes)
    expect(big.census.tableObjects).toBeLessThan(big.census.tablesCounted)
    expect(small.heap.peakBytes).toBeGreaterThanOrEqual(small.heap.baselineBytes)
    expect(small.heap.verdict).toBe('booted')
  }, 180_000)
})
