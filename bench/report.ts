/*
 * The bench report as plain-text tables for the terminal, and the comparison of two
 * reports (`npm run bench -- --compare old.json`).
 */
import type { BenchReport, GoalRow } from './harness'

const MB = 2 ** 20

/** Columns padded to their widest cell; numbers (and the header above them) right-aligned. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[\d.,×<%+ -]+$/.test(r[c])))
  const line = (cells: string[]) => '  ' + cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

export const ms = (v: number) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0))
const mb = (bytes: number) => (bytes / MB).toFixed(1)
const count = (n: number) => n.toLocaleString('en-US')

function value(g: GoalRow, v: number): string {
  if (g.unit === 'ms') return `${ms(v)} ms`
  if (g.unit === 'MB') return `${v.toFixed(1)} MB`
  return `${v.toFixed(2)}×`
}

function goalCells(g: GoalRow): string[] {
  const spread = g.spread ? `${g.spread.label} ${value(g, g.spread.lo)}..${value(g, g.spread.hi)}` : ''
  const result = g.pass === null ? 'not measured' : g.pass ? 'pass' : 'MISS'
  return [g.name, g.value === null ? '-' : value(g, g.value), spread, `< ${g.limit} ${g.unit}`, result, g.note ?? '']
}

export function formatReport(r: BenchReport): string {
  const m = r.machine
  const out = [
    `BootLab bench — node ${m.node}, ${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB} GiB, load ${m.loadAverage.map((l) => l.toFixed(1)).join(' ')}, commit ${r.commit ?? 'unknown'}, ${r.date}${r.quick ? ' (QUICK: tiny iteration counts, numbers are not meaningful)' : ''}`,
    `machine speed probe (a fixed integer loop, median of 5): ${ms(m.speedProbeMs.start)} ms at the start, ${ms(m.speedProbeMs.end)} ms at the end; on a shared VM it drifts, so compare runs whose probes agree`,
    '',
    'Goals (issue 16, then issue 6): value, spread, limit, result',
    table(['goal', 'value', 'spread', 'limit', 'result', 'note'], r.goals.map(goalCells)),
    '',
    r.firstPaint ? `First paint of the shell (first load, from the request): ${ms(r.firstPaint.ms)} ms, limit < 1000 ms: ${r.firstPaint.ms < 1000 ? 'pass' : 'MISS'} (${r.firstPaint.file})` : 'First paint of the shell: skipped (no first-paint mark artifact in test/artifacts/)',
    '',
    'Page-table work vs its floor, model and floor interleaved in pairs (ABAB); ratio = median of the paired ratios (p10..p90).',
    'stores: one 8-byte store per entry into a reused 32 MiB Float64Array; + a new table per 512 entries: the same stores into a',
    "new Float64Array(512) per table, like pgtable_alloc() + __set_pte() (the kernel's allocation, where the work allocates); memset: TypedArray.fill",
    table(
      ['work', 'entries', 'floor', 'model ms', 'floor ms', 'ratio', 'p10..p90', 'memset ms'],
      r.floor.map((f) => [f.name, count(f.entries), f.floorKind, ms(f.model.medianMs), ms(f.floor.medianMs), f.ratio.median.toFixed(3), `${f.ratio.p10.toFixed(3)}..${f.ratio.p90.toFixed(3)}`, ms(f.memset.medianMs)]),
    ),
    '',
    'Growth (realm × series): N scenario users of set_memory_decrypted() (gapped: 12 KiB of each 16 KiB block; contiguous: 4 KiB pages), and N CPUs',
    table(
      ['table', 'N', 'CPU ms', 'CPU p10..p90', 'wall ms', 'CPU ms per unit', 'policy steps', 'decrypt calls', 'verdict'],
      r.growth.map((g) => [g.table, count(g.n), ms(g.cpu.medianMs), `${ms(g.cpu.p10Ms)}..${ms(g.cpu.p90Ms)}`, ms(g.boot.medianMs), g.perUnitMs.toFixed(4), count(g.policySteps), count(g.decryptCalls), g.verdict]),
    ),
    '',
  ]
  if (r.classGrading) {
    out.push(
      `Class grading: ${r.classGrading.submissions} submissions of ${r.classGrading.lab} (${r.classGrading.passed} pass), whole process, CPU includes the worker threads`,
      table(
        ['--jobs', 'wall s', 'CPU s', 'CPU ms per submission', 'wall ms per submission'],
        r.classGrading.rows.map((c) => [String(c.jobs), (c.wallMs / 1000).toFixed(2), c.cpuMs === null ? '-' : (c.cpuMs / 1000).toFixed(2), c.perSubmissionCpuMs === null ? '-' : c.perSubmissionCpuMs.toFixed(1), c.perSubmissionWallMs.toFixed(1)]),
      ),
      ...(r.classGrading.costModel
        ? [`--jobs 1 with ${r.classGrading.costModel.smallSubmissions} files took ${(r.classGrading.costModel.smallCpuMs / 1000).toFixed(2)} s CPU: each added submission costs ${r.classGrading.costModel.marginalCpuMs.toFixed(1)} ms, the process ${(r.classGrading.costModel.fixedCpuMs / 1000).toFixed(2)} s whatever the class (start-up, and the JIT's warm-up on the model's code)`]
        : []),
      '',
    )
  }
  if (r.runaways.length) {
    out.push(
      'Runaway guards: policies that once ran for seconds or minutes (test/helpers/runaways.ts), CPU of one boot against the limit their unit tests used to assert',
      table(
        ['policy', 'machine', 'CPU ms', 'limit ms', 'result', 'ended'],
        r.runaways.map((w) => [w.what, w.scenario, ms(w.cpuMs), String(w.limitMs), w.pass ? 'pass' : 'MISS', w.ending]),
      ),
      '',
    )
  }
  out.push(
    'Per keystroke in Node (what the app worker runs; keystroke-to-painted in Chromium is in the goals above)',
    table(['step', 'median ms', 'p10..p90 ms'], r.costs.map((c) => [c.name, ms(c.timing.medianMs), `${ms(c.timing.p10Ms)}..${ms(c.timing.p90Ms)}`])),
    '',
    'Scaling: host-1t resized, one CPU without BBML2_NOABORT (whole linear map repainted to PTEs)',
    table(
      ['RAM GiB', 'boot median ms', 'p10..p90 ms', 'peak heap MB', 'boot growth MB', 'PTEs (kernel)', 'tables counted', 'table objects', 'run', 'table-run', 'dense'],
      r.scaling.map((s) => [
        String(s.ramGiB),
        ms(s.boot.medianMs),
        `${ms(s.boot.p10Ms)}..${ms(s.boot.p90Ms)}`,
        mb(s.heap.peakBytes),
        mb(s.heap.peakBytes - s.heap.baselineBytes),
        count(s.ptes),
        count(s.census.tablesCounted),
        count(s.census.tableObjects),
        count(s.census.runTables),
        count(s.census.tableRunTables),
        count(s.census.denseTables),
      ]),
    ),
    '',
    `heap: ${r.heapMethod}`,
  )
  return out.join('\n')
}

/** The change of every figure both reports have, old → new, in the order of the new report. */
export function formatComparison(old: Pick<BenchReport, 'figures' | 'commit' | 'date'>, now: Pick<BenchReport, 'figures' | 'commit' | 'date'>): string {
  const rows: string[][] = []
  for (const [id, f] of Object.entries(now.figures)) {
    const before = old.figures?.[id]
    if (!before || before.unit !== f.unit) continue
    const change = before.value === 0 ? '' : `${f.value >= before.value ? '+' : ''}${(((f.value - before.value) / before.value) * 100).toFixed(1)} %`
    const fmt = (v: number) => (f.unit === 'ms' ? ms(v) : v.toFixed(f.unit === '×' ? 3 : 1))
    rows.push([id, f.unit, fmt(before.value), fmt(f.value), change])
  }
  const only = Object.keys(old.figures ?? {}).filter((id) => !(id in now.figures))
  return [
    `Change per figure: ${old.commit ?? 'unknown'} (${old.date}) → ${now.commit ?? 'unknown'} (${now.date}); negative is faster/smaller`,
    table(['figure', 'unit', 'old', 'new', 'change'], rows),
    ...(only.length ? ['', `only in the old report: ${only.join(', ')}`] : []),
  ].join('\n')
}
