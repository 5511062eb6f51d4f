/*
 * Everything `npm run bench` measures (issue 6), as one report: the targets with pass/miss,
 * the floor comparisons, the scaling table, and the per-keystroke costs that explain them.
 */
import { cpus, totalmem } from 'node:os'
import { boot, firstDivergence, parseScenario, preparePolicy } from '../src/core'
import { loadCParser } from '../src/node/c-parser'
import { loadBasePolicy } from '../src/node/kernel-policy'
import { readNamed } from '../src/node/resources'
import { tableCensus, type TableCensus } from './census'
import { bundledPolicies, COMPARE_POLICIES, DEFAULT_SCENARIO, hostWithRam, loadPolicy, loadScenario, policySource, SCALE_SCENARIO } from './fixtures'
import { floorComparisons, type FloorComparison } from './floor'
import { type HeapProbe, probeHeap } from './heap'
import { type Budget, time, type Timing } from './measure'

export const REPORT_VERSION = 1
const MB = 2 ** 20

export interface BenchOptions {
  /** Tiny iteration counts: checks the harness runs, not the numbers. */
  quick: boolean
  /** RAM sizes (GiB) of the scaling table. */
  scalingGiB: number[]
}

export interface TargetRow {
  id: string
  name: string
  unit: 'ms' | 'MB' | '×'
  /** The figure compared with the limit: a median, a peak, or a ratio. */
  value: number
  p95?: number
  limit: number
  pass: boolean
}

export interface CostRow {
  id: string
  name: string
  timing: Timing
}

export interface ScalingRow {
  ramGiB: number
  boot: Timing
  heap: HeapProbe
  census: TableCensus
  /** PTEs the kernel would have written, as the model counts them. */
  ptes: number
}

export interface BenchReport {
  version: typeof REPORT_VERSION
  date: string
  commit: string | null
  quick: boolean
  machine: { node: string; cpus: number; cpuModel: string; totalMemGiB: number }
  heapMethod: string
  targets: TargetRow[]
  floor: FloorComparison[]
  costs: CostRow[]
  scaling: ScalingRow[]
}

export const HEAP_METHOD =
  'fresh child process (node --expose-gc); one warm-up boot, full GC, then the measured boot under v8.GCProfiler; ' +
  'peak = max(used heap + external memory just before each GC during the boot, the same when boot() returns); ' +
  'whole-process figure, so it includes the ~50 MB baseline (code, compiled policies, the C parser)'

function budgets(quick: boolean): { boot: Budget; bigBoot: Budget; floor: Budget } {
  if (quick) {
    const tiny = { iterations: 2, timeMs: 0, warmupIterations: 1 }
    return { boot: tiny, bigBoot: tiny, floor: tiny }
  }
  return {
    boot: { iterations: 300, timeMs: 3000, warmupIterations: 50 },
    bigBoot: { iterations: 20, timeMs: 2000, warmupIterations: 5 },
    floor: { iterations: 5, timeMs: 1000, warmupIterations: 1 },
  }
}

const timeRow = (id: string, name: string, t: Timing, limit: number): TargetRow => ({
  id,
  name,
  unit: 'ms',
  value: t.medianMs,
  p95: t.p95Ms,
  limit,
  pass: t.medianMs < limit,
})

/** What the app's boot worker does per keystroke (src/renderer/workers/boot.worker.ts), in Node. */
async function keystrokeCosts(budget: Budget): Promise<CostRow[]> {
  const [parser, base] = await Promise.all([loadCParser(), loadBasePolicy()])
  const source = policySource(COMPARE_POLICIES[0])
  const scenarioFile = readNamed(DEFAULT_SCENARIO, 'scenario')
  const compile = () => preparePolicy(parser, source, base, bundledPolicies)
  const policy = compile()
  if (!policy.program) throw new Error(`${source.file} does not compile`)
  const scenario = loadScenario(DEFAULT_SCENARIO)
  const request = () => structuredClone(boot(parseScenario(scenarioFile.text, scenarioFile.file).scenario!, compile()))
  return [
    { id: 'compile', name: `compile ${source.file} and the states it builds on (preparePolicy)`, timing: time('compile', compile, budget) },
    { id: 'boot-only', name: `boot() alone, ${DEFAULT_SCENARIO} × ${source.name}`, timing: time('boot-only', () => boot(scenario, policy), budget) },
    { id: 'worker-request', name: 'worker request: compile + parse scenario + boot + structuredClone(result)', timing: time('worker-request', request, budget) },
  ]
}

async function scalingRow(ramGiB: number, policyName: string, budget: Budget): Promise<ScalingRow> {
  const scenario = hostWithRam(ramGiB)
  const policy = await loadPolicy(policyName)
  const bootTiming = time(`host ${ramGiB} GiB`, () => boot(scenario, policy), budget)
  return { ramGiB, boot: bootTiming, heap: await probeHeap(policyName, ramGiB), census: tableCensus(scenario, policy), ptes: boot(scenario, policy).counters.ptes }
}

/** `commit` names the code measured (the caller knows whether it is a git checkout). */
export async function runBench(options: BenchOptions, commit: string | null): Promise<BenchReport> {
  const b = budgets(options.quick)
  const realm = loadScenario(DEFAULT_SCENARIO)
  const [fixed, base] = await Promise.all(COMPARE_POLICIES.map(loadPolicy))
  const bootFixed = time('boot fixed', () => boot(realm, fixed), b.boot)
  const bootBase = time('boot base', () => boot(realm, base), b.boot)
  const compare = time('compare', () => firstDivergence(boot(realm, fixed), boot(realm, base)), b.boot)

  const host = loadScenario(SCALE_SCENARIO)
  const hostBoot = time('host-1t', () => boot(host, fixed), b.bigBoot)
  const hostHeap = await probeHeap(fixed.name, SCALE_SCENARIO)

  // Quick mode shrinks the work too: the floor alone writes 268 million entries per iteration at 1 TiB.
  const floor = options.quick ? floorComparisons(16, 4, b.floor) : floorComparisons(1024, 16, b.floor)
  const dense = floor.filter((f) => f.id.startsWith('dense'))

  const targets: TargetRow[] = [
    timeRow('boot-fixed', `1 boot, ${DEFAULT_SCENARIO} × ${fixed.name}`, bootFixed, 10),
    timeRow('boot-base', `1 boot, ${DEFAULT_SCENARIO} × ${base.name}`, bootBase, 10),
    timeRow('compare', `compare: both boots + first divergence, ${DEFAULT_SCENARIO}`, compare, 20),
    timeRow('host-1t-time', `1 boot, ${SCALE_SCENARIO} × ${fixed.name} (repaint to PTEs)`, hostBoot, 1000),
    { id: 'host-1t-heap', name: `peak heap, ${SCALE_SCENARIO} boot (whole process)`, unit: 'MB', value: hostHeap.peakBytes / MB, limit: 300, pass: hostHeap.peakBytes / MB < 300 },
    ...dense.map((f) => ({ id: `${f.id}-ratio`, name: `${f.id}: model / floor`, unit: '×' as const, value: f.ratio, limit: 3, pass: f.ratio < 3 })),
  ]

  const cpuList = cpus()
  const scaling: ScalingRow[] = []
  for (const gib of options.scalingGiB) scaling.push(await scalingRow(gib, fixed.name, b.bigBoot))

  return {
    version: REPORT_VERSION,
    date: new Date().toISOString(),
    commit,
    quick: options.quick,
    machine: { node: process.version, cpus: cpuList.length, cpuModel: cpuList[0]?.model ?? 'unknown', totalMemGiB: Math.round(totalmem() / 2 ** 30) },
    heapMethod: HEAP_METHOD,
    targets,
    floor,
    costs: await keystrokeCosts(b.boot),
    scaling,
  }
}
