/*
 * Runaway guards: the policies that once ran for seconds or minutes (test/helpers/runaways.ts:
 * found by the policy fuzzer, the red team and reviews) and the range lists' fragmenting
 * updates, each timed against the limit its unit test used to assert. The unit tests check
 * what each ends in (its line, the budget, the cap); this checks how long. CPU time of one
 * boot after one warm-up boot, the policy compiled beforehand.
 */
import { boot } from '../src/core'
import type { Range } from '../src/core/memory/ranges'
import { loadKernelPolicy } from '../src/node/kernel-policy'
import { fragment, HUGE_VALUES, RUNAWAY_BOOTS, type RunawayBoot } from '../test/helpers/runaways'
import { loadScenario } from './fixtures'
import { sampleWallAndCpu } from './measure'

export interface RunawayRow {
  what: string
  scenario: string
  cpuMs: number
  limitMs: number
  pass: boolean
  /** How it ended: the last error's place and code, or the verdict. */
  ending: string
}

async function timeBoot(r: RunawayBoot): Promise<RunawayRow> {
  const scenario = loadScenario(r.scenario)
  const policy = await loadKernelPolicy({ name: r.file.replace(/\.c$/, ''), file: r.file, text: r.text })
  const { cpu } = sampleWallAndCpu(() => boot(scenario, policy), 1, 1)
  const result = boot(scenario, policy)
  const error = result.diagnostics.filter((d) => d.severity === 'error').at(-1)
  return { what: r.what, scenario: r.scenario, cpuMs: cpu.medianMs, limitMs: r.limitMs, pass: cpu.medianMs < r.limitMs, ending: error ? `${error.file}:${error.line} ${error.code}` : result.verdict.status }
}

/** Quick mode: the range updates scaled down and one cheap boot, to check the harness. */
export async function runaways(quick: boolean): Promise<RunawayRow[]> {
  const updates = quick ? 5_000 : 50_000
  let left = 0
  // Five samples, not one: the same updates take 70 ms or 2.5 s from one run to the next (V8
  // either trims the front of the array's backing store or moves every element after the splice).
  const ranges = sampleWallAndCpu(() => {
    const list: Range[] = [{ start: 0, end: 1e9 }]
    fragment(list, updates)
    left = list.length
  }, quick ? 1 : 5, 1)
  const spread = `CPU p10..p90 ${ranges.cpu.p10Ms.toFixed(0)}..${ranges.cpu.p90Ms.toFixed(0)} ms`
  const rows: RunawayRow[] = [
    { what: `${updates.toLocaleString('en-US')} fragmenting range updates`, scenario: '-', cpuMs: ranges.cpu.medianMs, limitMs: 1000, pass: ranges.cpu.medianMs < 1000, ending: `${left.toLocaleString('en-US')} ranges left (${spread})` },
  ]
  for (const r of quick ? [HUGE_VALUES.shift] : RUNAWAY_BOOTS) rows.push(await timeBoot(r))
  return rows
}
