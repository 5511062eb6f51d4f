/*
 * Fuzzing printk, WARN and panic formats with many conversions (issue 11, item 1).
 * formatPrintk stops once the record is full; it must print exactly what
 * expanding every conversion and then cutting at the record would (the
 * reference below, the way the kernel's vsnprintf() fills a buffer), and
 * report work bounded by what it scanned and produced. Booting such formats in
 * a loop must end at a budget at the policy's line, with short records, quickly.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { boot, parseScenario, preparePolicy, type PolicySource } from '../../src/core'
import { CHARS_PER_STEP, formatPrintk } from '../../src/core/console/format'
import { MAX_LINE_CHARS } from '../../src/core/console/printk'
import type { CValue } from '../../src/core/policy/value'
import { loadBasePolicy } from '../../src/node/kernel-policy'
import { readKernelResources } from '../../src/node/resources'
import { loadCParser } from '../helpers/c-parser'
import { fuzzTimeout, runFuzz } from './settings'

/** Every conversion expanded (no record limit), written from lib/vsprintf.c's rules for the subset. */
function reference(fmt: string, args: readonly CValue[]): string {
  let i = 0
  return fmt.replace(/%([-0]*)([1-9]\d*)?(hh|h|ll|l|z)?([diuxXcsp%])(x|a)?/g, (_m, flags: string, width: string, _l, conv: string, pext?: string) => {
    if (conv === '%') return '%'
    const a = args[i++]
    let t: string
    if (a === undefined) t = '(null)'
    else if (typeof a === 'object') t = `(${a.handle})`
    else if (conv === 's' || typeof a === 'string') t = String(a)
    else if (conv === 'x' || conv === 'X') t = BigInt.asUintN(64, a).toString(16)[conv === 'X' ? 'toUpperCase' : 'toLowerCase']()
    else if (conv === 'u') t = BigInt.asUintN(64, a).toString()
    else if (conv === 'c') t = String.fromCharCode(Number(a & 0xffn))
    else if (conv === 'p') t = (pext === 'a' ? '0x' : '') + a.toString(16).padStart(16, '0')
    else t = a.toString()
    const w = Number(width || 0)
    // Padding past the record is cut anyway: cap it so the reference stays small.
    const pad = Math.min(Math.max(0, w - t.length), 4 * MAX_LINE_CHARS)
    return flags.includes('-') ? t + ' '.repeat(pad) : (flags.includes('0') ? '0' : ' ').repeat(pad) + t
  })
}

const conversion = fc
  .tuple(fc.constantFrom('', '-', '0', '-0'), fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 2048 }).map(String), fc.constant('99999999999')), fc.constantFrom('', 'h', 'l', 'll', 'z'), fc.constantFrom('d', 'i', 'u', 'x', 'X', 'c', 's', 'p', 'px', 'pa', '%'))
  .map(([f, w, l, c]) => (c === '%' ? '%%' : `%${f}${w}${l}${c}`))
const piece = fc.oneof({ weight: 4, arbitrary: conversion }, fc.string({ unit: fc.constantFrom(...'ab |:\n%'), maxLength: 12 }), fc.constant('x'.repeat(700)), fc.constant(`%${'0'.repeat(3000)}q`))
/** A format of up to 3,000 pieces, often the same conversion many times over. */
const format = fc.oneof(
  fc.array(piece, { maxLength: 60 }).map((p) => p.join('')),
  fc.tuple(piece, fc.integer({ min: 1, max: 3000 })).map(([p, n]) => p.repeat(n)),
)
const arg: fc.Arbitrary<CValue> = fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }), fc.string({ maxLength: 40 }), fc.constant('y'.repeat(5000)))

const parser = await loadCParser()
const base = await loadBasePolicy()
const resources = readKernelResources()
const states = resources.policies.map((p) => ({ name: p.path.replace(/\.c$/, ''), file: p.path, text: p.text }))
const host = parseScenario(resources.scenarios.find((s) => s.path.startsWith('host'))!.text, 'host.yaml').scenario!
const MAX_STEPS = 20_000
const call = fc.constantFrom('pr_info(F, i);', 'pr_err(F);', 'WARN(1, F, i);', 'WARN_ONCE(i, F, "s");', 'panic(F, i);', 'if (WARN(i & 1, F)) pr_warn(F, 3);')
const cFormat = format.map((f) => JSON.stringify(f.replace(/\n/g, '|')))

describe('fuzz: printk formats with many conversions', () => {
  it(
    'formatPrintk prints what full expansion cut at the record prints, for work bounded by the format and the record',
    () => {
      runFuzz(
        'printk formats',
        fc.property(format, fc.array(arg, { maxLength: 8 }), (fmt, args) => {
          const f = formatPrintk(fmt, args)
          expect(f.text).toBe(reference(fmt, args).slice(0, MAX_LINE_CHARS))
          expect(f.work).toBeLessThanOrEqual(2 * fmt.length + MAX_LINE_CHARS)
          expect(f.work).toBeGreaterThanOrEqual(f.text.length)
        }),
        1500,
      )
    },
    fuzzTimeout(1500),
  )

  it(
    'a loop printing such a format through pr_*, WARN or panic ends at a budget or a panic, quickly, with records no longer than printk keeps',
    () => {
      runFuzz(
        'printk formats in a boot',
        fc.property(cFormat, call, (fmt, c) => {
          // A call charges at most what its format and its record hold, on top of the budget it overran.
          const bound = MAX_STEPS + Math.ceil((2 * fmt.length + MAX_LINE_CHARS) / CHARS_PER_STEP) + 100
          const text = `void __init mem_init(void)\n{\n\tint i;\n\n\tfor (i = 0; ; i++) {\n\t\t${c.replaceAll('F', fmt)}\n\t}\n}\n`
          const policy = preparePolicy(parser, { name: 'fuzz', file: 'fuzz.c', text } satisfies PolicySource, base, (n) => states.find((s) => s.name === n))
          expect(policy.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
          const started = performance.now()
          const r = boot(host, policy, { maxSteps: MAX_STEPS })
          expect(performance.now() - started).toBeLessThan(3000)
          expect(r.verdict.status === 'failed' || r.diagnostics.some((d) => d.code === 'budget' && d.file === 'fuzz.c' && (d.line === 5 || d.line === 6))).toBe(true)
          expect(r.counters.policySteps).toBeLessThan(bound)
          for (const l of r.console) expect(l.text.length).toBeLessThanOrEqual(MAX_LINE_CHARS)
        }),
        1500,
      )
    },
    fuzzTimeout(1500),
  )
})
