/*
 * Breakpoint goals: a value at a breakpoint, graded from a debug run of each
 * boot (a function logpoint with the goal's `when` as condition). Lab 4 asks
 * for the range split_kernel_leaf_mapping() is given while the page allocator
 * does not exist yet: the whole swiotlb pool.
 */
import { describe, expect, it } from 'vitest'
import { bootLab, type Goal, gradePolicy, type Lab, labManifestSchema, labPolicyLookup } from '../../src/labs'
import { loadCParser } from '../../src/node/c-parser'
import { loadKernelPolicy } from '../../src/node/kernel-policy'
import { loadLabCompiler } from '../../src/node/kernel-policy'
import { loadBundled } from './lab-fixtures'

const lab4 = loadBundled('04-blackout-windows')
const NAME = 'the split refused in window 1 is the whole swiotlb pool'

function withGoals(lab: Lab, goals: Goal[]): Lab {
  return { ...lab, goals, scenarios: lab.scenarios.filter((s) => s.name === 'realm') }
}

const gradeWith = async (lab: Lab, which: 'start' | 'solution') => gradePolicy(lab, lab[which], await loadLabCompiler()).grade

describe('breakpoint goals', () => {
  it("lab 4's goal: one W0 hit per boot, where the swiotlb pool's W0 share is refused with -EBUSY", async () => {
    const g = await gradeWith(lab4, 'solution')
    const goal = g.goals.find((x) => x.name === NAME)!
    expect(goal.passed).toBe(true)
    expect(goal.checks.length).toBe(lab4.scenarios.length)
    // As many hits as the boot made share calls in W0 (its caller records), each asking for the whole pool.
    const runs = bootLab(lab4, { policy: await loadKernelPolicy(lab4.solution, labPolicyLookup(lab4)), parser: await loadCParser() })
    for (const run of runs) {
      const w0 = run.result.calls.filter((c) => c.window === 'W0')
      expect(w0.map((c) => c.caller)).toEqual(['swiotlb default pool'])
      expect(run.breakpoints?.get(NAME)?.hits.map((h) => h.value)).toEqual(['1'])
    }
  })

  it('fails with the statement where the expectation was false, or too few hits, or no such function', async () => {
    const base = lab4.goals.find((x) => x.name === NAME) as Extract<Goal, { type: 'breakpoint' }>
    const lab = withGoals(lab4, [
      { ...base, name: 'wrong size', expect: 'end - start == SZ_2M' },
      { ...base, name: 'never', when: 'num_online_cpus() > 64' },
      { ...base, name: 'optional', when: 'num_online_cpus() > 64', minHits: 0 },
      { ...base, name: 'nowhere', function: 'no_such_function' },
      { ...base, name: 'bad name', expect: 'no_such_variable == 1' },
      // A `when` that cannot be evaluated is no condition that holds: the goal fails, saying why.
      { ...base, name: 'bad when', when: 'no_such_when == 1', expect: '1' },
    ])
    const g = await gradeWith(lab, 'solution')
    const byName = Object.fromEntries(g.goals.map((x) => [x.name, x]))
    expect(byName['wrong size'].passed).toBe(false)
    expect(byName['wrong size'].evidence[0]).toMatch(/^1 hit of split_kernel_leaf_mapping\(\) where !page_alloc_available; end - start == SZ_2M was false at statement \d+ in boot of realm$/)
    expect(byName.never.evidence[0]).toMatch(/^0 hits of split_kernel_leaf_mapping\(\) where num_online_cpus\(\) > 64, expected at least 1/)
    expect(byName.optional.passed).toBe(true)
    expect(byName.nowhere.evidence[0]).toMatch(/no policy function 'no_such_function'/)
    expect(byName['bad name'].evidence[0]).toMatch(/no_such_variable/)
    expect(byName['bad when'].passed).toBe(false)
    expect(byName['bad when'].evidence[0]).toMatch(/no_such_when/)
  })

  it('the manifest schema requires a function and an expectation', () => {
    const manifest = { id: 'x-lab', title: 't', order: 99, kind: 'fix', summary: 's', scenarios: ['realm'], goals: [{ name: 'g', message: 'm', type: 'breakpoint', function: 'split_kernel_leaf_mapping' }] }
    expect(labManifestSchema.safeParse(manifest).success).toBe(false)
    manifest.goals[0] = { ...manifest.goals[0], expect: 'end > start' } as (typeof manifest.goals)[0]
    const parsed = labManifestSchema.safeParse(manifest)
    expect(parsed.success).toBe(true)
    expect(parsed.data?.goals[0]).toMatchObject({ type: 'breakpoint', minHits: 1 })
  })
})
