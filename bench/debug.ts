/*
 * The policy debugger's figures (issue 18): how long a debug boot takes to record, and how
 * long a forward step and a reverse step take when the state they land on has never been
 * visited (so each is a replay of the boot from the start up to that statement, the engine's
 * worst case; a step onto a visited state is a cache hit). Measured on the largest bundled
 * machine (host-1t: 1 TiB, 256 CPUs, the whole linear map repainted to PTEs) and on the
 * machine whose boot runs the most policy statements (realm-mixed with the series).
 * Limits from the issue: forward step < 20 ms, reverse step < 100 ms.
 */
import { loadCParser } from '../src/node/c-parser'
import { DebugSession } from '../src/core/debug'
import { loadPolicy, loadScenario } from './fixtures'
import { settleHeap, type Timing } from './measure'

export interface DebugBenchRow {
  scenario: string
  policy: string
  statements: number
  policySteps: number
  record: Timing
  forwardStep: Timing
  reverseStep: Timing
}

export const DEBUG_LIMITS = { forwardStepMs: 20, reverseStepMs: 100 }

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
  return { medianMs: at(0.5), p95Ms: at(0.95), minMs: sorted[0], p10Ms: at(0.1), p90Ms: at(0.9), samples: sorted.length }
}

/** Up to `n` statement indices spread over [from, to). */
function spread(from: number, to: number, n: number): number[] {
  const out = new Set<number>()
  for (let i = 0; i < n; i++) out.add(Math.floor(from + ((to - from) * (i + 0.5)) / n))
  return [...out]
}

async function measure(scenarioName: string, policyName: string, quick: boolean): Promise<DebugBenchRow> {
  const scenario = loadScenario(scenarioName)
  const policy = await loadPolicy(policyName)
  const parser = await loadCParser()
  const runs = quick ? 2 : 7
  const record: number[] = []
  let session!: DebugSession
  for (let i = 0; i < runs; i++) {
    settleHeap()
    session = new DebugSession({ scenario, policy, parser })
    const t = performance.now()
    session.recording()
    record.push(performance.now() - t)
  }
  const total = session.total
  const points = quick ? 3 : 30
  const forward: number[] = []
  const reverse: number[] = []
  // Each timed step lands on a statement its session has never visited (goto only visits the start).
  const fresh = () => {
    const s = new DebugSession({ scenario, policy, parser })
    s.recording()
    return s
  }
  for (const i of spread(1, total - 1, points)) {
    const f = fresh()
    f.goto(i)
    let t = performance.now()
    f.stepIn()
    forward.push(performance.now() - t)
    const r = fresh()
    r.goto(i + 1)
    t = performance.now()
    r.stepBack()
    reverse.push(performance.now() - t)
  }
  const result = session.recording().result
  return { scenario: scenarioName, policy: policyName, statements: total, policySteps: result.counters.policySteps, record: timing(record), forwardStep: timing(forward), reverseStep: timing(reverse) }
}

export async function debugBench(quick: boolean): Promise<DebugBenchRow[]> {
  return [await measure('host-1t', 'series', quick), await measure('realm-mixed', 'series', quick)]
}

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1))

export function formatDebugBench(rows: DebugBenchRow[]): string {
  const lines = ['Policy debugger (issue 18): replay from the start to an unvisited statement; limits (on the median, as the other targets): forward step < 20 ms, reverse step < 100 ms']
  for (const r of rows) {
    const verdict = (t: Timing, limit: number) => `median ${ms(t.medianMs)} ms, p95 ${ms(t.p95Ms)} ms (${t.medianMs < limit ? 'pass' : 'MISS'})`
    lines.push(
      `  ${r.scenario} / ${r.policy}: ${r.statements} statements, ${r.policySteps} policy steps`,
      `    record (start a debug boot)  median ${ms(r.record.medianMs)} ms`,
      `    forward step                 ${verdict(r.forwardStep, DEBUG_LIMITS.forwardStepMs)}`,
      `    reverse step                 ${verdict(r.reverseStep, DEBUG_LIMITS.reverseStepMs)}`,
    )
  }
  return lines.join('\n')
}
