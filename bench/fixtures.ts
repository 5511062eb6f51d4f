/*
 * What the benchmarks boot: bundled scenarios and policies loaded the way the command line
 * loads them, and host machines of any RAM size derived from host-1t (same CPUs, so one CPU
 * still lacks BBML2_NOABORT and the whole linear map is repainted to PTEs).
 */
import { type KernelPolicy, parseScenario, type PolicyLookup, type PolicySource, type Scenario } from '../src/core'
import { SZ_1G } from '../src/core/memory/addr'
import { loadKernelPolicy } from '../src/node/kernel-policy'
import { readNamed } from '../src/node/resources'

export const DEFAULT_SCENARIO = 'realm'
export const SCALE_SCENARIO = 'host-1t'
/** The two sides of the lab's default compare: the fixed kernel and the base it fixes. */
export const COMPARE_POLICIES = ['series', 'unpatched'] as const

export function loadScenario(name: string): Scenario {
  const s = readNamed(name, 'scenario')
  const parsed = parseScenario(s.text, s.file)
  if (!parsed.scenario) throw new Error(`scenario ${name}: ${JSON.stringify(parsed.errors)}`)
  return parsed.scenario
}

/** A bundled policy as the app's worker receives it. */
export function policySource(name: string): PolicySource {
  const p = readNamed(name, 'policy')
  return { name: p.name, file: `${p.name}.c`, text: p.text }
}

/** `Builds on:` lines resolved to bundled policies; an unknown name throws (a bench bug, not a learner's). */
export const bundledPolicies: PolicyLookup = policySource

/** A bundled policy compiled over the states it builds on; refuses one that does not compile, so no bench times an empty boot. */
export async function loadPolicy(name: string): Promise<KernelPolicy> {
  const policy = await loadKernelPolicy(policySource(name), bundledPolicies)
  if (!policy.program) throw new Error(`policy ${name} does not compile: ${JSON.stringify(policy.diagnostics)}`)
  return policy
}

/** host-1t with its single RAM bank resized to `ramGiB`. */
export function hostWithRam(ramGiB: number): Scenario {
  const host = loadScenario(SCALE_SCENARIO)
  if (host.machine.ram.length !== 1) throw new Error(`${SCALE_SCENARIO} must have one RAM bank to be resized`)
  const ram = [{ ...host.machine.ram[0], size: ramGiB * SZ_1G }]
  return { ...host, name: `host-${ramGiB}g`, machine: { ...host.machine, ram } }
}
