/*
 * Test helpers: boot a bundled (or inline) scenario with a bundled (or inline)
 * policy through the same path the command line uses.
 */
import { boot, type BootResult, parseScenario, type ScenarioInput, validateScenario } from '../../src/core'
import { loadKernelPolicy } from '../../src/node/kernel-policy'
import { readNamed } from '../../src/node/resources'

export async function bootNamed(scenario: string, policy: string): Promise<BootResult> {
  const s = readNamed(scenario, 'scenario')
  const parsed = parseScenario(s.text, s.file)
  if (!parsed.scenario) throw new Error(JSON.stringify(parsed.errors))
  return boot(parsed.scenario, await loadKernelPolicy(readNamed(policy, 'policy')))
}

/** Boot an inline policy text (overlaying the base kernel) on a bundled or inline scenario. */
export async function bootWith(scenario: string | ScenarioInput, policyText: string, name = 'inline.c'): Promise<BootResult> {
  let parsed
  if (typeof scenario === 'string') {
    const s = readNamed(scenario, 'scenario')
    parsed = parseScenario(s.text, s.file)
  } else parsed = validateScenario(scenario, 'inline.yaml')
  if (!parsed.scenario) throw new Error(JSON.stringify(parsed.errors))
  return boot(parsed.scenario, await loadKernelPolicy({ name, file: name, text: policyText }))
}

/** WARN splats in order, as `fn` (and the message for WARN(cond, fmt)). */
export function warnSites(r: BootResult): string[] {
  return r.splats.filter((s) => s.kind === 'warn').map((s) => (s.message ? `${s.site.fn}: ${s.message}` : s.site.fn))
}

/** Leaf kinds present in the final map outside the kernel image alias. */
export function leafKindsOutsideImage(r: BootResult): string[] {
  const last = r.snapshots[r.snapshots.length - 1]
  return [...new Set(last.extents.filter((e) => !e.kernelImage).map((e) => e.leaf))].sort()
}
