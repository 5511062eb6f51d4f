/*
 * Wall-clock timing with tinybench: warm-up first (so the JIT has compiled the code a
 * learner's repeated boots run), then samples until both the time budget and the minimum
 * iteration count are met. p95 is computed from the retained samples.
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
  samples: number
}

/**
 * A full GC when the bench runs with --expose-gc (npm run bench does): heavy workloads call
 * it before each iteration so the previous iteration's garbage is not collected on this one's clock.
 */
export function settleHeap(): void {
  globalThis.gc?.()
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
  const sorted = [...(result.latency.samples ?? [])].sort((a, b) => a - b)
  return {
    medianMs: result.latency.p50,
    p95Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)],
    minMs: result.latency.min,
    samples: sorted.length,
  }
}
