/*
 * How long and from which seed the fuzz properties run. `npm test` gives each
 * property a few seconds with a fixed seed (deterministic, bounded); `npm run
 * fuzz` sets FUZZ_SECONDS (per property) and may set FUZZ_SEED to explore further.
 */
import fc from 'fast-check'

const seconds = Number(process.env.FUZZ_SECONDS)
const seed = Number(process.env.FUZZ_SEED)

/** Milliseconds a property may run: FUZZ_SECONDS when set, else the property's own short default. */
export const fuzzMillis = (defaultMillis: number): number => (Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : defaultMillis)

/** The seed of every property: FUZZ_SEED when set, so a failure reported by `npm run fuzz` replays. */
export const FUZZ_SEED = Number.isSafeInteger(seed) ? seed : 20260401

/** A vitest timeout that lets a property use its whole time and finish its last (slowest) case. */
export const fuzzTimeout = (defaultMillis: number): number => fuzzMillis(defaultMillis) + 60_000

/**
 * Run a property for its time budget, fail with fast-check's report (seed, path,
 * shrunk counterexample), and print how many cases ran: the fuzz statistics.
 */
export function runFuzz<T>(name: string, property: fc.IProperty<T>, defaultMillis: number): fc.RunDetails<T> {
  const millis = fuzzMillis(defaultMillis)
  const started = performance.now()
  const details = fc.check(property, { seed: FUZZ_SEED, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: millis, markInterruptAsFailure: false })
  const elapsed = ((performance.now() - started) / 1000).toFixed(1)
  console.log(`fuzz ${name}: ${details.numRuns} cases in ${elapsed} s (seed ${FUZZ_SEED})`)
  if (details.failed) throw new Error(`${fc.defaultReportMessage(details)}\n${String(details.errorInstance)}`, { cause: details.errorInstance })
  return details
}
