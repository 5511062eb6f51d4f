/*
 * Wall-clock timing for the bench.
 *
 * `time()`: one workload, warm-up first (so the JIT has compiled the code a learner's
 * repeated boots run), then samples until both the time budget and the minimum count are
 * met (tinybench). `paired()`: a model and its floor interleaved in pairs (ABAB..., the
 * order alternating pair by pair so drift and a neighbour's load hit both sides alike),
 * and the figure is the median of the per-pair ratios with its spread (p10..p90): a
 * ratio of two medians taken minutes apart flips with the machine's load, a paired one
 * does not.
 */
import { Bench } from 'tinybench'

export interface Budget {
  /** Minimum timed iterations. */
  iterations: number
  /** Minimum timed milliseconds. */
  timeMs: number
  warmupIterations: number
}

export interface Timing {
  medianMs: number
  p95Ms: number
  minMs: number
  /** 10th and 90th percentiles: the spread reported beside a median. */
  p10Ms: number
  p90Ms: number
  samples: number
}

/** The median of paired ratios model/floor, with its spread. */
export interface PairedRatio {
  median: number
  p10: number
  p90: number
  pairs: number
}

/**
 * A full GC when the bench runs with --expose-gc (npm run bench does): heavy workloads call
 * it before each iteration so the previous iteration's garbage is not collected on this one's clock.
 */
export function settleHeap(): void {
  globalThis.gc?.()
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

export function timingOf(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    medianMs: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    minMs: sorted[0],
    p10Ms: percentile(sorted, 10),
    p90Ms: percentile(sorted, 90),
    samples: sorted.length,
  }
}

/** Time `fn`; `prepare` runs before every iteration, outside the timed window. */
export function time(name: string, fn: () => unknown, budget: Budget, prepare?: () => void): Timing {
  const bench = new Bench({
    iterations: budget.iterations,
    time: budget.timeMs,
    warmupIterations: budget.warmupIterations,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
  })
  bench.add(name, fn, prepare ? { beforeEach: prepare } : {})
  const [task] = bench.runSync()
  const result = task.result
  if (result.state !== 'completed') throw new Error(`${name}: benchmark ${result.state}`)
  return timingOf(result.latency.samples ?? [])
}

/** `fn` run `n` times (after `warmup` untimed runs), each timed alone; for workloads too big for tinybench's loop. */
export function sample(fn: () => unknown, n: number, warmup = 1, prepare?: () => void): Timing {
  for (let i = 0; i < warmup; i++) {
    prepare?.()
    fn()
  }
  const samples: number[] = []
  for (let i = 0; i < n; i++) {
    prepare?.()
    const t0 = performance.now()
    fn()
    samples.push(performance.now() - t0)
  }
  return timingOf(samples)
}

/** Wall and CPU time of each run: CPU (process.cpuUsage: this thread and V8's helpers) is what the work costs whatever the machine's load. */
export function sampleWallAndCpu(fn: () => unknown, n: number, warmup = 1, prepare?: () => void): { wall: Timing; cpu: Timing } {
  for (let i = 0; i < warmup; i++) {
    prepare?.()
    fn()
  }
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < n; i++) {
    prepare?.()
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    fn()
    wall.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  return { wall: timingOf(wall), cpu: timingOf(cpu) }
}

export interface PairedTiming {
  model: Timing
  floor: Timing
  ratio: PairedRatio
}

/**
 * Model and floor interleaved: `pairs` pairs after `warmup` untimed pairs, the order
 * alternating (AB, BA, AB, ...). `prepare` runs before every timed call, outside the clock.
 */
export function paired(model: () => unknown, floor: () => unknown, pairs: number, warmup: number, prepare?: { model?: () => void; floor?: () => void }): PairedTiming {
  const one = (fn: () => unknown, before?: () => void) => {
    before?.()
    const t0 = performance.now()
    fn()
    return performance.now() - t0
  }
  for (let i = 0; i < warmup; i++) {
    one(model, prepare?.model)
    one(floor, prepare?.floor)
  }
  const m: number[] = []
  const f: number[] = []
  const ratios: number[] = []
  for (let i = 0; i < pairs; i++) {
    let a: number
    let b: number
    if (i % 2 === 0) {
      a = one(model, prepare?.model)
      b = one(floor, prepare?.floor)
    } else {
      b = one(floor, prepare?.floor)
      a = one(model, prepare?.model)
    }
    m.push(a)
    f.push(b)
    ratios.push(a / b)
  }
  const sorted = ratios.sort((x, y) => x - y)
  return { model: timingOf(m), floor: timingOf(f), ratio: { median: percentile(sorted, 50), p10: percentile(sorted, 10), p90: percentile(sorted, 90), pairs } }
}

/**
 * The machine's speed now: the median of 5 runs of a fixed integer loop (no allocation, no
 * memory traffic). A shared virtual machine's speed drifts by 1.5× over minutes with the
 * neighbours; two reports are comparable when their probes agree.
 */
export function speedProbeMs(): number {
  const runs: number[] = []
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now()
    let x = 0
    for (let i = 0; i < 50_000_000; i++) x = (x + i * 7) % 1_000_003
    runs.push(performance.now() - t0)
    if (x < 0) throw new Error('unreachable')
  }
  return timingOf(runs).medianMs
}
