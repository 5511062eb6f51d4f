/*
 * Where two boots part ways. Each boot is read as a sequence of observations a
 * learner can see — steps entered, each caller's outcome, WARN sites, faults and
 * console text (timestamps ignored) — and the first observation that differs is
 * the divergence, reported with the boot step it happened in on each side.
 */
import type { BootResult } from '../result'

export interface Observation {
  key: string
  step: number
  text: string
}

export interface Divergence {
  index: number
  left?: Observation & { stepFn: string }
  right?: Observation & { stepFn: string }
  explanation: string
}

const SPLAT_HEADLINE = /^(WARNING:|Unable to handle|Kernel panic|kernel BUG)/

export function observations(r: BootResult): Observation[] {
  const out: Observation[] = []
  for (const e of r.events) {
    if (e.kind === 'step' && e.phase === 'enter') out.push({ key: `step ${e.fn}`, step: e.step, text: `entered ${e.fn}()` })
    else if (e.kind === 'call') {
      const c = r.calls[e.record]
      out.push({ key: `call ${c.caller} ${c.outcome} ${c.ret}`, step: c.step, text: `${c.caller}: ${c.outcome}${c.ret ? ` (${c.errno})` : ''}` })
    } else if (e.kind === 'fault') {
      const f = r.faults[e.fault]
      out.push({ key: `fault ${f.kind}`, step: f.step, text: f.message })
    } else if (e.kind === 'console') {
      const l = r.console[e.line]
      // Of a splat, only its headline line says something a learner can compare.
      if (l.splat !== undefined && !SPLAT_HEADLINE.test(l.text)) continue
      out.push({ key: `console ${l.text}`, step: l.step, text: l.text })
    }
  }
  return out
}

export function firstDivergence(left: BootResult, right: BootResult): Divergence | null {
  const a = observations(left)
  const b = observations(right)
  const n = Math.min(a.length, b.length)
  let i = 0
  while (i < n && a[i].key === b[i].key) i++
  if (i === a.length && i === b.length) return null
  const side = (r: BootResult, o: Observation | undefined) => (o ? { ...o, stepFn: r.steps[o.step]?.fn ?? '?' } : undefined)
  const l = side(left, a[i])
  const r = side(right, b[i])
  // Where they part: the step both were in at their last shared observation.
  const common = i > 0 ? left.steps[a[i - 1].step]?.fn : undefined
  const where = common ? `in ${common}()` : 'from the start'
  const say = (o: (Observation & { stepFn: string }) | undefined) => (o ? `${o.text} [${o.stepFn}()]` : 'nothing more (the boot had ended)')
  const explanation = `The boots diverge ${where}: left — ${say(l)}; right — ${say(r)}.`
  return { index: i, left: l, right: r, explanation }
}
