/*
 * Grading: each goal's result carries the concrete evidence that decided it,
 * goals apply to the scenarios they name, weights make the score, and a
 * compareWith goal reads the same counter in the other policy's boot.
 */
import { describe, expect, it } from 'vitest'
import { boot } from '../../src/core'
import { bootLab, compileCompareWith, type GoalResult, evidenceLines, gradePolicy, gradeRuns, groupEvidence, type LabGrade, labPolicyLookup } from '../../src/labs'
import { loadLabCompiler } from '../../src/node/kernel-policy'
import { listLabIds } from '../../src/node/resources'
import { grade, loadBundled, resources } from './lab-fixtures'

const goal = (g: LabGrade, name: string): GoalResult => {
  const found = g.goals.find((x) => x.name === name)
  if (!found) throw new Error(`no goal '${name}' in ${g.goals.map((x) => x.name).join(', ')}`)
  return found
}

/** The line of `needle` inside function `fn` of the base kernel, as a splat site names it. */
function baseLine(fn: string, needle: string): number {
  const lines = resources.policies.find((p) => p.path === 'unpatched.c')!.text.split('\n')
  const start = lines.findIndex((l) => l.includes(`${fn}(`))
  return start + lines.slice(start).findIndex((l) => l.includes(needle)) + 1
}

describe('evidence', () => {
  it('names the WARN site and the boot it fired in', async () => {
    const g = await grade(loadBundled('04-blackout-windows'), 'start')
    const pud = goal(g, 'pageattr never meets a partly covered PUD block')
    expect(pud.passed).toBe(false)
    expect(pud.evidence).toContain(`WARN at pageattr_pud_entry (unpatched.c:${baseLine('pageattr_pud_entry', 'WARN_ON_ONCE')}) fired in boot of realm`)
  })

  it('grouped, each failed check is one detail with its machine, and a detail seen on several machines is said once', async () => {
    const g = await grade(loadBundled('05-move-swiotlb'), 'start')
    let shared = 0
    for (const result of g.goals) {
      const failed = result.checks.filter((c) => !c.passed)
      const groups = groupEvidence(result.evidence)
      expect(groups.flatMap((e) => e.scenarios.map((s) => `${e.detail}|${s}`)).sort()).toEqual(failed.map((c) => `${c.detail}|${c.scenario}`).sort())
      expect(new Set(groups.map((e) => e.detail)).size).toBe(groups.length)
      shared += groups.filter((e) => e.scenarios.length > 1).length
    }
    // Lab 5's seeded variants of realm fail alike: some detail holds on several machines.
    expect(shared).toBeGreaterThan(0)
    // A report's lines: one per detail, naming every machine it failed on.
    for (const result of g.goals) {
      const lines = evidenceLines(result.evidence)
      expect(lines).toHaveLength(groupEvidence(result.evidence).length)
      for (const c of result.checks.filter((x) => !x.passed)) expect(lines.some((l) => l.startsWith(c.detail) && new RegExp(`\\(on .*\\b${c.scenario}\\b`).test(l))).toBe(true)
    }
  })

  it("names the caller, what it returned, and what the goal expected", async () => {
    const g = await grade(loadBundled('04-blackout-windows'), 'start')
    expect(goal(g, 'window 1 is refused loudly').evidence[0]).toBe(
      'swiotlb default pool (swiotlb_update_mem_attributes() in W0 on CPU0) returned -22 (EINVAL), outcome error; expected errno EBUSY in boot of realm',
    )
  })

  it('says which part of a shared range is wrong in the final map', async () => {
    const g = await grade(loadBundled('08-invalid-leaves'), 'start')
    const shared = goal(g, 'every shared buffer is valid and shared')
    expect(shared.evidence[0]).toMatch(/^swiotlb default pool \[ffff0000bbfff000, \+64 MiB\): \d+ MiB invalid \(first at ffff[0-9a-f]{12}, a (PMD|CONT_PMD)\) in the final map in boot of realm$/)
  })

  it('compares a counter with the compareWith boot on the same machine', async () => {
    const g = await grade(loadBundled('07-memblock-split'), 'solution')
    const realm = goal(g, 'early splits take their table pages from memblock').checks.find((c) => c.scenario === 'realm')!
    expect(realm).toEqual({ scenario: 'realm', passed: true, detail: 'tablePagesByAllocator.memblock = 5 (> 2 in series)' })
  })
})

describe('goals and scenarios', () => {
  it('checks a goal only on the scenarios it names (a variant counting as its base)', async () => {
    const lab = loadBundled('04-blackout-windows')
    const g = await grade(lab, 'solution')
    expect(goal(g, 'window 2 is refused loudly').checks.map((c) => c.scenario)).toEqual(['realm-cpu-online-caller'])
    expect(goal(g, 'no TLB conflict abort').checks).toHaveLength(lab.scenarios.length)
    expect(lab.scenarios.filter((s) => s.origin === 'variant').every((s) => s.family === 'realm-mixed')).toBe(true)
  })

  it('passes a goal only if it holds on every scenario', async () => {
    const g = await grade(loadBundled('06-secondary-cpu-check'), 'start')
    const tlb = goal(g, 'no TLB conflict abort')
    expect(tlb.passed).toBe(false)
    expect(tlb.checks.some((c) => c.passed)).toBe(true)
    expect(tlb.evidence.length).toBe(tlb.checks.filter((c) => !c.passed).length)
  })

  it('scores the weights of the goals that pass', async () => {
    const g = await grade(loadBundled('04-blackout-windows'), 'start')
    expect(g.total).toBe(g.goals.reduce((n, x) => n + x.weight, 0))
    expect(g.score).toBe(g.goals.filter((x) => x.passed).reduce((n, x) => n + x.weight, 0))
    expect(g.score).toBeLessThan(g.total)
  })

  it('fails every goal of a policy that does not compile, saying why', async () => {
    const lab = loadBundled('05-move-swiotlb')
    const g = gradePolicy(lab, { name: 'broken', file: 'broken.c', text: 'void __init mem_init(void) { page_alloc_available = ; }\n' }, await loadLabCompiler()).grade
    expect(g.passed).toBe(false)
    expect(g.goals.every((x) => !x.passed)).toBe(true)
    expect(g.boots.every((b) => b.status === 'policy-error')).toBe(true)
    expect(g.goals[0].evidence[0]).toMatch(/^The policy could not run: .* in boot of realm$/)
  })
})

describe('grading boots', () => {
  // Goals read the final map only, and only a shared-range goal reads it, so a graded boot keeps
  // the end of boot's picture or none; the grade must be the one full boots (every step's
  // picture) give, for every bundled lab.
  for (const id of listLabIds()) {
    it(`${id}: start and solution grade the same from boots that keep only the last picture`, async () => {
      const lab = loadBundled(id)
      const compiler = await loadLabCompiler()
      const compareWith = compileCompareWith(lab, compiler)
      for (const source of [lab.start, lab.solution]) {
        const policy = compiler.compile(source, labPolicyLookup(lab))
        const runs = bootLab(lab, { policy, compareWith, parser: compiler.parser })
        const readsMap = lab.goals.some((g) => g.type === 'shared-range')
        for (const run of runs) expect(run.result.snapshots.map((s) => s.label)).toEqual(readsMap ? ['end of boot'] : [])
        const full = runs.map((run) => ({
          ...run,
          result: boot(run.scenario.scenario, policy),
          baseline: run.baseline && compareWith ? { policyName: compareWith.name, result: boot(run.scenario.scenario, compareWith) } : undefined,
        }))
        expect(full[0].result.snapshots.length).toBeGreaterThan(1)
        expect(gradeRuns(lab, runs)).toEqual(gradeRuns(lab, full))
      }
    })
  }
})
