/*
 * Fuzzing the whole path a learner's text takes: parser, lowering, checks,
 * linking over the base kernel, interpreter and natives, on the bundled
 * machines. Every outcome must be a BootResult (or compile diagnostics); no
 * exception may escape compilePolicy(), preparePolicy() or boot(), and no case
 * may take long (the step budget is small, so time is the natives' own).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { boot, type BootResult, type Diagnostic, NATIVE_SIGNATURES, parseScenario, preparePolicy, type PolicySource, type Scenario } from '../../src/core'
import { compilePolicy } from '../../src/core/policy'
import { readLabFolder } from '../../src/node/lab-folder'
import { listLabDirs, readKernelResources } from '../../src/node/resources'
import { loadBasePolicy } from '../../src/node/kernel-policy'
import { loadCParser } from '../helpers/c-parser'
import { applyEdits, editArbitrary, editPool } from './c-mutations'
import { randomPolicy } from './random-policy'
import { fuzzTimeout, runFuzz } from './settings'

const parser = await loadCParser()
const base = await loadBasePolicy()
const resources = readKernelResources()
const bundledStates: PolicySource[] = resources.policies.map((p) => ({ name: p.path.replace(/\.c$/, ''), file: p.path, text: p.text }))
const lookup = (name: string) => bundledStates.find((p) => p.name === name)

/** The bundled kernel states and every lab's own policies (start, solution and the rest). */
const corpus: PolicySource[] = [
  ...bundledStates,
  ...listLabDirs().flatMap((dir) => readLabFolder(dir).folder?.files.filter((f) => f.path.endsWith('.c')).map((f) => ({ name: f.path, file: f.path, text: f.text })) ?? []),
]
const pool = editPool(corpus.map((c) => c.text))
const scenarios: Scenario[] = resources.scenarios.map((s) => parseScenario(s.text, s.path).scenario!)

/** Small enough that a runaway policy stops quickly; large enough for a real boot (a few thousand steps). */
const MAX_STEPS = 20_000
/** A case slower than this is a hang in the making: the budget bounds the policy, so the time went into a native. */
const CASE_MILLIS = 3000

function expectLocated(d: Diagnostic): void {
  expect(d.message.length).toBeGreaterThan(0)
  expect(d.file.length).toBeGreaterThan(0)
  expect(d.line).toBeGreaterThanOrEqual(1)
  expect(d.column).toBeGreaterThanOrEqual(1)
  expect(d.code).not.toBe('internal')
}

function expectWellFormed(r: BootResult): void {
  for (const d of r.diagnostics) expectLocated(d)
  if (r.verdict.status === 'policy-error') expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true)
  // Statements check the budget; the expressions of the last statement may run past it.
  expect(r.counters.policySteps).toBeLessThan(MAX_STEPS + 1000)
}

/** Compile `text` alone and over the base kernel, then boot it: nothing may throw, nothing may be slow. */
function survive(text: string, scenario: Scenario): void {
  const started = performance.now()
  const alone = compilePolicy(parser, text, 'fuzz.c', NATIVE_SIGNATURES)
  for (const d of alone.diagnostics) expectLocated(d)
  const policy = preparePolicy(parser, { name: 'fuzz', file: 'fuzz.c', text }, base, lookup)
  for (const d of policy.diagnostics) expectLocated(d)
  const result = boot(scenario, policy, { maxSteps: MAX_STEPS })
  expectWellFormed(result)
  expect(performance.now() - started).toBeLessThan(CASE_MILLIS)
}

const scenarioIndex = fc.nat({ max: scenarios.length - 1 })

describe('fuzz: parser, compiler and boot', () => {
  it('the corpus (bundled states, every lab policy) boots unedited', () => {
    expect(corpus.length).toBeGreaterThan(bundledStates.length + 10)
    for (const source of corpus) survive(source.text, scenarios[0])
  })

  it(
    'bundled and lab policies with random token and line edits',
    () => {
      runFuzz(
        'mutated policies',
        fc.property(fc.nat({ max: corpus.length - 1 }), fc.array(editArbitrary, { minLength: 1, maxLength: 8 }), scenarioIndex, (pick, edits, s) => {
          survive(applyEdits(corpus[pick].text, edits, pool), scenarios[s])
        }),
        2500,
      )
    },
    fuzzTimeout(2500),
  )

  it(
    'random policies calling random natives with extreme arguments',
    () => {
      runFuzz('random policies', fc.property(randomPolicy, scenarioIndex, (text, s) => survive(text, scenarios[s])), 2500)
    },
    fuzzTimeout(2500),
  )

  it(
    'random text and bytes',
    () => {
      const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ unit: fc.constantFrom(...'{}();,*&|!~<>=+-/%"\'\\#\n\t abcx01_'), maxLength: 400 }))
      runFuzz('random text', fc.property(text, scenarioIndex, (t, s) => survive(t, scenarios[s])), 500)
    },
    fuzzTimeout(500),
  )
})
