/*
 * Machines at the edges of what a scenario allows boot to the same verdict as their small
 * versions: thousands of set_memory_decrypted() users (each one more pass through the
 * policy's decrypt path and one more exposure check) and the most CPUs the schema
 * allows (NR_CPUS: 4096 on arm64). The step budget grows with the machine, so only the
 * learner's own runaway code hits it, and it is still reported at the learner's line.
 * Costs are in `npm run bench` (growth tables), not here.
 */
import { describe, expect, it } from 'vitest'
import { boot, type BootResult, type ScenarioInput, stepBudget, validateScenario } from '../../../src/core'
import { loadKernelPolicy } from '../../../src/node/kernel-policy'
import { readNamed } from '../../../src/node/resources'

const NR_CPUS_MAX = 4096

function realm(extra: Partial<ScenarioInput> = {}, cpus = 4): ScenarioInput {
  return {
    name: 'sized-realm',
    machine: { ram: [{ base: 0x40000000, size: '4G' }], cpus: [{ model: 'neoverse-v3', revision: 'r0p2', count: cpus }], kernelImage: { base: 0x40200000, size: '24M' } },
    realm: true,
    ...extra,
  }
}

/** `n` device-initcall users, each sharing `size` of a fresh buddy allocation. */
function callers(n: number, size: string): NonNullable<ScenarioInput['extraCallers']> {
  return Array.from({ length: n }, (_, i) => ({ name: `shared_buffer_${i}`, at: 'device_initcall' as const, size }))
}

async function bootPolicy(input: ScenarioInput, policy: string | { text: string; file: string }): Promise<BootResult> {
  const parsed = validateScenario(input, 'sized.yaml')
  if (!parsed.scenario) throw new Error(JSON.stringify(parsed.errors))
  const source = typeof policy === 'string' ? { ...readNamed(policy, 'policy'), file: `${policy}.c` } : { name: policy.file, ...policy }
  return boot(parsed.scenario, await loadKernelPolicy(source))
}

/** What the verdict rests on, without the parts that grow with the machine. */
function shape(r: BootResult) {
  return {
    status: r.verdict.status,
    headline: r.verdict.headline,
    diagnostics: r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code),
    warnSites: [...new Set(r.splats.map((s) => `${s.kind}:${s.site.fn}`))].sort(),
    faultKinds: [...new Set(r.faults.map((f) => f.kind))].sort(),
    reached: r.reached,
  }
}

describe('thousands of decrypts', () => {
  // An allocation of order 2 (16 KiB) of which 12 KiB is shared: 3 pages shared, 1 private, repeated.
  it.each(['series', 'unpatched'])('10,000 gapped decrypts (3 pages shared, 1 private) boot like 10 of them (%s)', async (policy) => {
    const small = await bootPolicy(realm({ extraCallers: callers(10, '12K') }), policy)
    const big = await bootPolicy(realm({ extraCallers: callers(10_000, '12K') }), policy)
    expect(shape(big)).toEqual(shape(small))
    const outcomes = (r: BootResult) => new Set(r.calls.filter((c) => c.caller.startsWith('shared_buffer_')).map((c) => c.outcome))
    expect(outcomes(big)).toEqual(outcomes(small))
    // Every caller ran (none was cut off by a budget) and each hypothetical caller is one assumption.
    expect(big.calls.filter((c) => c.caller.startsWith('shared_buffer_'))).toHaveLength(10_000)
    expect(big.assumptions.filter((a) => a.includes('shared_buffer_'))).toHaveLength(10_000)
  }, 60_000)

  it('10,000 contiguous 4 KiB decrypts boot like 10 of them, all pages shared and none exposed', async () => {
    const small = await bootPolicy(realm({ extraCallers: callers(10, '4K') }), 'series')
    const big = await bootPolicy(realm({ extraCallers: callers(10_000, '4K') }), 'series')
    expect(shape(big)).toEqual(shape(small))
    expect(big.verdict.status).toBe('booted')
    const ours = big.calls.filter((c) => c.caller.startsWith('shared_buffer_'))
    expect(ours).toHaveLength(10_000)
    expect(ours.every((c) => c.outcome === 'ok')).toBe(true)
    expect(big.faults).toEqual([])
  }, 60_000)
})

describe('the most CPUs a scenario allows', () => {
  it(`a realm with ${NR_CPUS_MAX} CPUs boots like one with 4 (each CPU's ITS tables shared, no step-budget error)`, async () => {
    for (const policy of ['series', 'unpatched']) {
      const small = await bootPolicy(realm(), policy)
      const big = await bootPolicy(realm({}, NR_CPUS_MAX), policy)
      expect(shape(big), policy).toEqual(shape(small))
      expect(big.events.filter((e) => e.kind === 'cpu-online').length, policy).toBe(NR_CPUS_MAX - 1)
    }
  }, 60_000)

  it(`no scenario describes more than ${NR_CPUS_MAX} CPUs in all (CONFIG_NR_CPUS is at most 4096 on arm64)`, () => {
    const two = realm({}, NR_CPUS_MAX)
    two.machine.cpus = [...two.machine.cpus, { model: 'neoverse-v3', revision: 'r0p2', count: 1 }]
    const parsed = validateScenario(two, 'too-many.yaml')
    expect(parsed.scenario).toBeUndefined()
    expect(JSON.stringify(parsed.errors)).toContain('4096')
  })
})

describe('the step budget scales with the machine, and still names the learner\'s line', () => {
  it('grows with CPUs and decrypt users, from the same base', () => {
    const budget = (input: ScenarioInput) => stepBudget(validateScenario(input, 'x.yaml').scenario!)
    const base = budget(realm({}, 1))
    expect(budget(realm({}, NR_CPUS_MAX))).toBeGreaterThan(base)
    expect(budget(realm({ extraCallers: callers(1000, '4K') }, 1))).toBeGreaterThan(base)
    // A 4,096-CPU realm takes far more steps than the old fixed 200,000 (it failed as a policy error).
    expect(budget(realm({}, NR_CPUS_MAX))).toBeGreaterThan(4 * 200_000)
  })

  it('a looping learner policy on the largest machine stops at its own line', async () => {
    const text = [
      '/* Builds on: series */',
      'void __init mem_init(void)',
      '{',
      '\tunsigned long n = 0;',
      '',
      '\twhile (n != 1)',
      '\t\tn += 2;',
      '}',
      '',
    ].join('\n')
    const r = await bootPolicy(realm({ extraCallers: callers(100, '4K') }, NR_CPUS_MAX), { text, file: 'spin.c' })
    expect(r.verdict.status).toBe('policy-error')
    const error = r.diagnostics.find((d) => d.severity === 'error')!
    expect(error).toMatchObject({ code: 'budget', file: 'spin.c' })
    expect([6, 7]).toContain(error.line)
    expect(r.reached).toBe('mem_init')
  }, 60_000)
})
