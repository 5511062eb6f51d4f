/*
 * Child process for heap measurements, started by heap.ts as
 *   node --expose-gc --import tsx bench/heap-probe.ts <policy> <scenario | RAM GiB>
 * so every boot is measured in a fresh heap. One warm-up boot, a full GC, then the measured
 * boot under v8.GCProfiler: the heap's high-water mark is the larger of the used size just
 * before each GC that ran during the boot and the used size when it returns (the used size
 * only grows between GCs). "Heap" is V8's used heap plus external memory, because typed
 * arrays keep their entries outside the V8 heap. Prints one JSON line.
 */
import { GCProfiler, getHeapStatistics } from 'node:v8'
import { boot } from '../src/core'
import { hostWithRam, loadPolicy, loadScenario } from './fixtures'

export interface HeapProbe {
  /** High-water mark of the whole process heap during the boot. */
  peakBytes: number
  /** The same before the boot, after a full GC (code, compiled policies, the C parser). */
  baselineBytes: number
  /** Still in use after a full GC with the BootResult held. */
  retainedBytes: number
  gcsDuringBoot: number
  bootMs: number
  verdict: string
  /** Peak resident set of the whole process (process.resourceUsage().maxRSS). */
  maxRssBytes: number
}

const heapBytes = (used: number, external: number) => used + external

function liveHeap(): number {
  const s = getHeapStatistics()
  return heapBytes(s.used_heap_size, s.external_memory)
}

function fullGc(): void {
  const gc = globalThis.gc
  if (!gc) throw new Error('run the heap probe with --expose-gc')
  gc()
  gc()
}

async function main(): Promise<void> {
  const [policyName, scenarioArg] = process.argv.slice(2)
  const scenario = /^\d+$/.test(scenarioArg) ? hostWithRam(Number(scenarioArg)) : loadScenario(scenarioArg)
  const policy = await loadPolicy(policyName)
  boot(scenario, policy)
  fullGc()
  const baselineBytes = liveHeap()
  const profiler = new GCProfiler()
  profiler.start()
  const t0 = performance.now()
  const result = boot(scenario, policy)
  const bootMs = performance.now() - t0
  const atReturn = liveHeap()
  const gcs = profiler.stop().statistics
  const beforeGcs = gcs.map((g) => heapBytes(g.beforeGC.heapStatistics.usedHeapSize, g.beforeGC.heapStatistics.externalMemory))
  fullGc()
  const retainedBytes = liveHeap()
  const probe: HeapProbe = {
    peakBytes: Math.max(atReturn, ...beforeGcs),
    baselineBytes,
    retainedBytes,
    gcsDuringBoot: gcs.length,
    bootMs,
    // Read after the GC so the result is still reachable when retainedBytes is sampled.
    verdict: result.verdict.status,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }
  process.stdout.write(JSON.stringify(probe) + '\n')
}

await main()
