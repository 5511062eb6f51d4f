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
import { loadKernelPolicy } from '../src/node/kernel-policy'
import { bundledPolicies, loadPolicy, loadScenario } from './fixtures'
import { settleHeap, type Timing } from './measure'

export interface DebugBenchRow {
  scenario: string
  policy: string
  statements: number
  policySteps: number
  record: Timing
  /** Cold: a replay from the start to a statement never visited. */
  forwardStep: Timing
  reverseStep: Timing
  /** As hosts run it: the stop's neighbours prefetched (one replay) while the learner reads it. */
  forwardStepPrefetched: Timing
  reverseStepPrefetched: Timing
  prefetch: Timing
}

/**
 * The "200,000-step boot": no bundled boot comes near the budget (they run a few
 * thousand steps), so the largest machine boots the series with a mem_init() that loops
 * until the boot has run about 180 000 policy steps.
 */
export const HEAVY_POLICY = {
  name: 'heavy-mem-init',
  file: 'heavy-mem-init.c',
  text: `/* Builds on: series */
void __init mem_init(void)
{
	unsigned long sum = 0;
	int i;

	page_alloc_available = true;
	for (i = 0; i < 25000; i++)
		sum += i;
	swiotlb_update_mem_attributes();
}
`,
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
  const policy = policyName === HEAVY_POLICY.name ? await loadKernelPolicy(HEAVY_POLICY, bundledPolicies) : await loadPolicy(policyName)
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
  const forwardPrefetched: number[] = []
  const reversePrefetched: number[] = []
  const prefetch: number[] = []
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
    for (const [samples, step] of [
      [forwardPrefetched, (x: DebugSession) => x.stepIn()],
      [reversePrefetched, (x: DebugSession) => x.stepBack()],
    ] as const) {
      const p = fresh()
      p.goto(i)
      t = performance.now()
      p.prefetch()
      prefetch.push(performance.now() - t)
      t = performance.now()
      step(p)
      samples.push(performance.now() - t)
    }
  }
  const result = session.recording().result
  return {
    scenario: scenarioName,
    policy: policyName,
    statements: total,
    policySteps: result.counters.policySteps,
    record: timing(record),
    forwardStep: timing(forward),
    reverseStep: timing(reverse),
    forwardStepPrefetched: timing(forwardPrefetched),
    reverseStepPrefetched: timing(reversePrefetched),
    prefetch: timing(prefetch),
  }
}

export async function debugBench(quick: boolean): Promise<DebugBenchRow[]> {
  return [await measure('host-1t', 'series', quick), await measure('host-1t', HEAVY_POLICY.name, quick), await measure('realm-mixed', 'series', quick)]
}

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1))

export function formatDebugBench(rows: DebugBenchRow[]): string {
  const lines = [
    'Policy debugger (issue 18). cold: a replay from the start to a statement never visited; prefetched: as the app and `bootlab dap` run it,',
    "the stop's neighbours read in one replay while the learner looks. Limits (on the median, as the other targets): forward step < 20 ms, reverse step < 100 ms",
  ]
  for (const r of rows) {
    const verdict = (t: Timing, limit: number) => `median ${ms(t.medianMs)} ms, p95 ${ms(t.p95Ms)} ms (${t.medianMs < limit ? 'pass' : 'MISS'})`
    lines.push(
      `  ${r.scenario} / ${r.policy}: ${r.statements} statements, ${r.policySteps} policy steps`,
      `    record (start a debug boot)  median ${ms(r.record.medianMs)} ms`,
      `    forward step, cold           ${verdict(r.forwardStep, DEBUG_LIMITS.forwardStepMs)}`,
      `    reverse step, cold           ${verdict(r.reverseStep, DEBUG_LIMITS.reverseStepMs)}`,
      `    forward step, prefetched     ${verdict(r.forwardStepPrefetched, DEBUG_LIMITS.forwardStepMs)}`,
      `    reverse step, prefetched     ${verdict(r.reverseStepPrefetched, DEBUG_LIMITS.reverseStepMs)}`,
      `    prefetch (after each stop)   median ${ms(r.prefetch.medianMs)} ms, p95 ${ms(r.prefetch.p95Ms)} ms`,
    )
  }
  return lines.join('\n')
}
