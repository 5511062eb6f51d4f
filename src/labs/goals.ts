/*
 * One goal checked against one boot: passed or not, and the concrete values
 * that decided it (the evidence a learner reads: which WARN fired where, which
 * caller returned what, which part of a buffer stayed private).
 */
import { type BootResult, type CallerRecord, formatSize, formatVirt, type MapExtent, virt } from '../core'
import { compare, readCounter } from './counters'
import type { Goal } from './schema'

export interface Check {
  passed: boolean
  /** What was observed, in words; the grader adds "in boot of <scenario>". */
  detail: string
}

/** A boot of the lab's compareWith policy on the same machine, for goals relative to it. */
export interface Baseline {
  policyName: string
  result: BootResult
}

/** A linear-map offset (as BootResult records it) the way dmesg prints a kernel VA. */
const kernelVa = (offset: number) => formatVirt(virt(offset))

const list = (values: readonly string[]) => values.join(' or ')

/** The first few of many observations, so one piece of evidence stays readable. */
function firstFew(items: string[], shown = 3): string {
  return items.length > shown ? `${items.slice(0, shown).join('; ')}; and ${items.length - shown} more` : items.join('; ')
}

function callerText(c: CallerRecord): string {
  return `${c.caller} (${c.fn}() in ${c.window} on CPU${c.cpu}) returned ${c.ret}${c.errno ? ` (${c.errno})` : ''}, outcome ${c.outcome}`
}

function callersNamed(r: BootResult, prefix: string | undefined): CallerRecord[] {
  return prefix === undefined ? r.calls : r.calls.filter((c) => c.caller.startsWith(prefix))
}

const noCaller = (r: BootResult, prefix: string | undefined, what: string): Check => ({
  passed: false,
  detail: `no caller ${prefix === undefined ? '' : `named '${prefix}…' `}${what} (the boot stopped in ${r.reached})`,
})

function checkVerdict(g: Extract<Goal, { type: 'verdict' }>, r: BootResult): Check {
  return { passed: g.status.includes(r.verdict.status), detail: `ended '${r.verdict.status}' (${r.verdict.headline})${g.status.includes(r.verdict.status) ? '' : `, expected ${list(g.status)}`}` }
}

function checkWarn(g: Extract<Goal, { type: 'warn' }>, r: BootResult): Check {
  const warns = r.splats.filter((s) => s.kind === 'warn')
  const here = warns.filter((s) => s.site.fn === g.site)
  if (here.length) {
    const s = here[0]
    return { passed: g.present, detail: `WARN at ${g.site} (${s.site.file}:${s.site.line}) fired${here.length > 1 ? ` ${here.length} times` : ''}` }
  }
  const seen = [...new Set(warns.map((s) => s.site.fn))]
  return { passed: !g.present, detail: `no WARN at ${g.site} (WARNs seen: ${seen.length ? seen.join(', ') : 'none'})` }
}

function checkCaller(g: Extract<Goal, { type: 'caller' }>, r: BootResult): Check {
  const calls = callersNamed(r, g.caller)
  if (!calls.length) return noCaller(r, g.caller, 'ran')
  const wrong = calls.flatMap((c) => {
    const expected = [
      g.outcome && !g.outcome.includes(c.outcome) ? `outcome ${list(g.outcome)}` : '',
      g.window && !g.window.includes(c.window) ? `window ${list(g.window)}` : '',
      g.errno && c.errno !== g.errno ? `errno ${g.errno}` : '',
    ].filter(Boolean)
    return expected.length ? [`${callerText(c)}; expected ${expected.join(', ')}`] : []
  })
  if (wrong.length) return { passed: false, detail: firstFew(wrong) }
  return { passed: true, detail: firstFew(calls.map(callerText)) }
}

/** What is wrong with [va, va+size) in the final map: gaps, invalid or private parts, disallowed leaves. */
function rangeProblems(extents: MapExtent[], c: CallerRecord, leaves: readonly string[] | undefined): string[] {
  const end = c.va + c.size
  const over = extents.filter((e) => e.va < end && e.va + e.size > c.va)
  const bytes = (pick: (e: MapExtent) => boolean) =>
    over.filter(pick).reduce((n, e) => n + Math.min(e.va + e.size, end) - Math.max(e.va, c.va), 0)
  const firstOf = (pick: (e: MapExtent) => boolean) => {
    const e = over.find(pick)
    return e ? ` (first at ${kernelVa(Math.max(e.va, c.va))}, a ${e.leaf})` : ''
  }
  const problems: string[] = []
  const unmapped = c.size - bytes(() => true)
  if (unmapped > 0) problems.push(`${formatSize(unmapped)} unmapped`)
  const invalid = (e: MapExtent) => !e.valid
  const priv = (e: MapExtent) => e.valid && !e.shared
  if (bytes(invalid)) problems.push(`${formatSize(bytes(invalid))} invalid${firstOf(invalid)}`)
  if (bytes(priv)) problems.push(`${formatSize(bytes(priv))} still private to the realm${firstOf(priv)}`)
  const badLeaf = (e: MapExtent) => leaves !== undefined && !leaves.includes(e.leaf)
  if (over.some(badLeaf)) problems.push(`mapped by ${[...new Set(over.filter(badLeaf).map((e) => e.leaf))].join(', ')} where ${list(leaves ?? [])} is expected`)
  return problems
}

function checkSharedRange(g: Extract<Goal, { type: 'shared-range' }>, r: BootResult): Check {
  const calls = callersNamed(r, g.caller).filter((c) => c.outcome !== 'skipped')
  if (!calls.length) return noCaller(r, g.caller, 'shared anything')
  const final = r.snapshots[r.snapshots.length - 1]
  if (!final) return { passed: false, detail: 'no picture of the linear map was taken' }
  const details = calls.map((c) => {
    const problems = rangeProblems(final.extents, c, g.leaves)
    const range = `${c.caller} [${kernelVa(c.va)}, +${formatSize(c.size)})`
    return { ok: problems.length === 0, text: problems.length ? `${range}: ${problems.join(', ')} in the final map` : `${range} shared and valid` }
  })
  const bad = details.filter((d) => !d.ok)
  return { passed: bad.length === 0, detail: firstFew((bad.length ? bad : details).map((d) => d.text)) }
}

function checkCounter(g: Extract<Goal, { type: 'counter' }>, r: BootResult, baseline: Baseline | undefined): Check {
  const actual = readCounter(r.counters, g.counter)
  if (g.relativeTo && !baseline) throw new Error(`goal '${g.name}' compares with compareWith, but no boot of it was given`)
  const expected = baseline ? readCounter(baseline.result.counters, g.counter) : g.value!
  const passed = compare(actual, g.op, expected)
  const against = baseline ? `${expected} in ${baseline.policyName}` : String(expected)
  return { passed, detail: `${g.counter} = ${actual}${passed ? ` (${g.op} ${against})` : `, expected ${g.op} ${against}`}` }
}

function checkFault(g: Extract<Goal, { type: 'fault' }>, r: BootResult): Check {
  const found = r.faults.filter((f) => g.kind === undefined || f.kind === g.kind)
  const what = g.kind ?? 'broken invariant'
  if (found.length) return { passed: g.present, detail: firstFew(found.map((f) => `${f.kind}: ${f.message}`)) }
  return { passed: !g.present, detail: `no ${what}${r.faults.length ? ` (faults seen: ${r.faults.map((f) => f.kind).join(', ')})` : ''}` }
}

function checkReached(g: Extract<Goal, { type: 'reached' }>, r: BootResult): Check {
  const passed = r.steps.some((s) => s.fn === g.step)
  return { passed, detail: passed ? `reached ${g.step}` : `never reached ${g.step}: stopped in ${r.reached} (${r.verdict.headline})` }
}

/** A breakpoint goal's hits in one debug run: the value of its `expect` at each (decimal text, or an error). */
export interface BreakpointHits {
  /** The breakpoint could not be set (no such function, an expression that does not parse). */
  problem?: string
  hits: { index: number; value: string }[]
}

function checkBreakpoint(g: Extract<Goal, { type: 'breakpoint' }>, hits: BreakpointHits | undefined): Check {
  if (!hits) throw new Error(`goal '${g.name}' needs a debug run of the boot`)
  const at = `${g.function}()${g.when ? ` where ${g.when}` : ''}`
  if (hits.problem) return { passed: false, detail: `no breakpoint at ${at}: ${hits.problem}` }
  const bad = hits.hits.filter((h) => h.value === '0' || !/^-?\d+$/.test(h.value))
  const count = `${hits.hits.length} hit${hits.hits.length === 1 ? '' : 's'} of ${at}`
  if (hits.hits.length < g.minHits) return { passed: false, detail: `${count}, expected at least ${g.minHits}` }
  if (bad.length) return { passed: false, detail: `${count}; ${g.expect} was ${firstFew(bad.map((h) => `${/^-?\d+$/.test(h.value) ? 'false' : h.value} at statement ${h.index}`))}` }
  return { passed: true, detail: `${count}; ${g.expect} held at each` }
}

export function checkGoal(goal: Goal, result: BootResult, baseline?: Baseline, hits?: BreakpointHits): Check {
  if (result.verdict.status === 'policy-error' && goal.type !== 'verdict') {
    return { passed: false, detail: result.verdict.headline }
  }
  switch (goal.type) {
    case 'verdict':
      return checkVerdict(goal, result)
    case 'warn':
      return checkWarn(goal, result)
    case 'caller':
      return checkCaller(goal, result)
    case 'shared-range':
      return checkSharedRange(goal, result)
    case 'counter':
      return checkCounter(goal, result, baseline)
    case 'fault':
      return checkFault(goal, result)
    case 'reached':
      return checkReached(goal, result)
    case 'breakpoint':
      return checkBreakpoint(goal, hits)
  }
}
