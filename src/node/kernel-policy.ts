/*
 * Kernel policies for Node hosts: the base kernel compiled once per process,
 * any policy text linked over it.
 */
import { type CompiledPolicy, compileBase, type KernelPolicy, type PolicyLookup, preparePolicy, type PolicySource } from '../core'
import { loadCParser } from './c-parser'
import { BASE_POLICY, readNamed } from './resources'

let base: Promise<CompiledPolicy> | null = null

export function loadBasePolicy(): Promise<CompiledPolicy> {
  base ??= loadCParser().then((parser) => {
    const b = readNamed(BASE_POLICY, 'policy')
    return compileBase(parser, { name: b.name, file: `${b.name}.c`, text: b.text })
  })
  return base
}

/** A bundled kernel state by name, for `Builds on:` lines. */
function bundledPolicy(name: string): PolicySource | undefined {
  try {
    const p = readNamed(name, 'policy')
    return { name: p.name, file: `${p.name}.c`, text: p.text }
  } catch {
    return undefined
  }
}

/** Compile a policy (a bundled one, a learner's file) over the kernel state it builds on. */
export async function loadKernelPolicy(source: PolicySource, lookup: PolicyLookup = bundledPolicy): Promise<KernelPolicy> {
  const [parser, compiledBase] = await Promise.all([loadCParser(), loadBasePolicy()])
  const file = source.file.split(/[\\/]/).pop() ?? source.file
  return preparePolicy(parser, { ...source, file }, compiledBase, lookup)
}
