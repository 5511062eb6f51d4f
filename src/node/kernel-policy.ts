/*
 * Kernel policies for Node hosts: the base kernel compiled once per process,
 * any policy text linked over it.
 */
import { type CompiledPolicy, compileBase, type KernelPolicy, preparePolicy, type PolicySource } from '../core'
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

/** Compile a policy (a bundled one, a learner's file) over the base kernel. */
export async function loadKernelPolicy(source: PolicySource): Promise<KernelPolicy> {
  const [parser, compiledBase] = await Promise.all([loadCParser(), loadBasePolicy()])
  const file = source.file.split(/[\\/]/).pop() ?? source.file
  return preparePolicy(parser, { ...source, file }, compiledBase)
}
