/*
 * The bench report as plain-text tables for the terminal.
 */
import type { BenchReport, TargetRow } from './harness'

const MB = 2 ** 20

/** Columns padded to their widest cell; numbers (and the header above them) right-aligned. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^[\d.,×<% -]+$/.test(r[c])))
  const line = (cells: string[]) => '  ' + cells.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0))
const mb = (bytes: number) => (bytes / MB).toFixed(1)
const count = (n: number) => n.toLocaleString('en-US')

function measured(t: TargetRow): string {
  if (t.unit === 'ms') return `median ${ms(t.value)} ms, p95 ${ms(t.p95!)} ms`
  if (t.unit === 'MB') return `${t.value.toFixed(1)} MB`
  return `${t.value.toFixed(2)}×`
}

export function formatReport(r: BenchReport): string {
  const m = r.machine
  const out = [
    `BootLab bench — node ${m.node}, ${m.cpus} × ${m.cpuModel}, ${m.totalMemGiB} GiB, commit ${r.commit ?? 'unknown'}, ${r.date}${r.quick ? ' (QUICK: tiny iteration counts, numbers are not meaningful)' : ''}`,
    '',
    'Targets (issue 6)',
    table(
      ['target', 'measured', 'limit', 'result'],
      r.targets.map((t) => [t.name, measured(t), `< ${t.limit} ${t.unit === '×' ? '×' : t.unit}`, t.pass ? 'pass' : 'MISS']),
    ),
    '',
    'Page-table work vs the physical floor (medians). floor: one 8-byte store per entry into a reused 32 MiB Float64Array;',
    'memset: TypedArray.fill; alloc floor: the same stores into a new Float64Array(512) per table, like pgtable_alloc() + __set_pte()',
    table(
      ['work', 'entries', 'model ms', 'floor ms', 'memset ms', 'alloc floor ms', 'model/floor', 'model/memset', 'model/alloc floor'],
      r.floor.map((f) => [
        f.name,
        count(f.entries),
        ms(f.model.medianMs),
        ms(f.floor.medianMs),
        ms(f.memset.medianMs),
        ms(f.allocFloor.medianMs),
        f.ratio.toFixed(3),
        f.memsetRatio.toFixed(3),
        f.allocRatio.toFixed(3),
      ]),
    ),
    '',
    'Per keystroke in Node (the app worker runs these; keystroke-to-verdict in Chromium is measured by the e2e suite)',
    table(
      ['step', 'median ms', 'p95 ms'],
      r.costs.map((c) => [c.name, ms(c.timing.medianMs), ms(c.timing.p95Ms)]),
    ),
    '',
    'Scaling: host-1t resized, one CPU without BBML2_NOABORT (whole linear map repainted to PTEs)',
    table(
      ['RAM GiB', 'boot median ms', 'boot p95 ms', 'peak heap MB', 'boot growth MB', 'PTEs (kernel)', 'tables counted', 'table objects', 'run', 'table-run', 'dense'],
      r.scaling.map((s) => [
        String(s.ramGiB),
        ms(s.boot.medianMs),
        ms(s.boot.p95Ms),
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
  ]
  return out.join('\n')
}
