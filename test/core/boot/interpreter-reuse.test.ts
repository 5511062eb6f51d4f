/*
 * boot() runs a program's compiled interpreter again for the next boot of the
 * same program (a grader boots one submission on every machine of a lab). Each
 * boot must be exactly what a fresh interpreter gives: every bundled machine in
 * turn, after a boot its step budget stopped mid-call, against the same program
 * compiled anew (a copy: nothing to reuse).
 */
import { describe, expect, it } from 'vitest'
import { boot, type KernelPolicy, parseScenario, type Scenario } from '../../../src/core'
import { loadKernelPolicy } from '../../../src/node/kernel-policy'
import { listNames, readNamed, SCENARIO_DIR } from '../../../src/node/resources'

const scenarios: Scenario[] = listNames(SCENARIO_DIR, '.yaml').map((name) => parseScenario(readNamed(name, 'scenario').text, name).scenario!)

/** The same policy with its program copied: a program boot() has never seen. */
const copy = (p: KernelPolicy): KernelPolicy => ({ ...p, program: structuredClone(p.program) })

describe('a program booted again', () => {
  it.each(['unpatched', 'series'])('boots every machine as a fresh interpreter does (%s)', async (name) => {
    const policy = await loadKernelPolicy({ ...readNamed(name, 'policy'), file: `${name}.c` })
    expect(scenarios.length).toBeGreaterThan(5)
    // A boot cut short by the budget leaves the interpreter mid-call; the next must not notice.
    const realm = scenarios.find((s) => s.name === 'realm')!
    expect(boot(realm, policy, { maxSteps: 300 }).diagnostics.at(-1)?.code).toBe('budget')
    for (const s of [...scenarios, realm]) expect(boot(s, policy)).toEqual(boot(s, copy(policy)))
  }, 60_000)

  it('a global the policy changed starts again from its initializer', async () => {
    // Counts its calls in a global and WARNs from the second: each boot calls it once, so none may WARN.
    const text = `/* Builds on: unpatched */
static int calls = 0;

void __init linear_map_maybe_split_to_ptes(void)
{
	calls++;
	WARN_ON(calls > 1);
	if (linear_map_requires_bbml2 && !system_supports_bbml2_noabort())
		linear_map_split_to_ptes();
}
`
    const policy = await loadKernelPolicy({ name: 'counting', file: 'counting.c', text })
    expect(policy.diagnostics).toEqual([])
    const realm = scenarios.find((s) => s.name === 'realm')!
    const first = boot(realm, policy)
    const again = boot(realm, policy)
    expect(again).toEqual(first)
    expect(first.splats.filter((s) => s.kind === 'warn' && s.site.fn === 'linear_map_maybe_split_to_ptes')).toEqual([])
  })
})
