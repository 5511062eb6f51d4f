/*
 * Kernel policies for Node hosts: the base kernel compiled once per process,
 * any policy text linked over it.
 *
 * The base kernel, and a bundled kernel state (series, patched-v2, ...) linked
 * over it, are also kept on disk (compile-cache.ts), keyed by the command-line
 * bundle and every file of the chain, so a later process reads them with one
 * v8.deserialize(): a cold `bootlab boot --policy series` then loads no
 * tree-sitter and compiles nothing (about 250 ms), and a class grader compiles
 * only the submissions (about 75 ms less per process).
 */
import { type CompiledPolicy, compileBase, type KernelPolicy, policyParent, type PolicyLookup, preparePolicy, type PolicySource } from '../core'
import type { Parser } from 'web-tree-sitter'
import type { LabCompiler } from '../labs'
import { loadCParser } from './c-parser'
import { cacheKey, readCached, writeCached } from './compile-cache'
import { BASE_POLICY, isBundledName, readNamed } from './resources'

let base: Promise<CompiledPolicy> | null = null

/** The base kernel compiled, once per process; in the bundled command line read from the disk cache when it is there. */
export function loadBasePolicy(): Promise<CompiledPolicy> {
  base ??= (async () => {
    const b = readNamed(BASE_POLICY, 'policy')
    const source = { name: b.name, file: `${b.name}.c`, text: b.text }
    const key = cacheKey('base kernel', [source])
    const cached = key ? readCached(key, isCompiledPolicy) : null
    if (cached) return cached
    const compiled = compileBase(await loadCParser(), source)
    if (key && compiled.program) writeCached(key, compiled)
    return compiled
  })()
  return base
}

/**
 * A bundled kernel state by name, for `Builds on:` lines and the disk cache's key. A bare name is
 * read once per process (the bundled files are the install's, not edited while it runs): a class
 * grader asks for every submission's own name, and a miss would list the folder for its error
 * message. A name with a dot or a folder is a path, read each time.
 */
const bundled = new Map<string, PolicySource | undefined>()

function bundledPolicy(name: string): PolicySource | undefined {
  if (bundled.has(name)) return bundled.get(name)
  let source: PolicySource | undefined
  try {
    const p = readNamed(name, 'policy')
    source = { name: p.name, file: `${p.name}.c`, text: p.text }
  } catch {
    source = undefined
  }
  if (isBundledName(name)) bundled.set(name, source)
  return source
}

/** The file name of a source, without its folders (diagnostics and cache keys name the file alone). */
const ownSource = (source: PolicySource): PolicySource => ({ ...source, file: source.file.split(/[\\/]/).pop() ?? source.file })

/** The disk cache's key for a bundled kernel state unchanged, else null (a learner's file is compiled). */
const cacheKeyOf = (own: PolicySource, lookup: PolicyLookup): string | null => (bundledPolicy(own.name)?.text === own.text ? chainKey(own, lookup) : null)

function compileOver(parser: Parser, compiledBase: CompiledPolicy, own: PolicySource, lookup: PolicyLookup, key: string | null): KernelPolicy {
  const policy = preparePolicy(parser, own, compiledBase, lookup)
  if (key && policy.program) writeCached(key, policy)
  return policy
}

/** Compile a policy (a bundled one, a learner's file) over the kernel state it builds on. */
export async function loadKernelPolicy(source: PolicySource, lookup: PolicyLookup = bundledPolicy): Promise<KernelPolicy> {
  const own = ownSource(source)
  const key = cacheKeyOf(own, lookup)
  const cached = key ? readCached(key, isKernelPolicy) : null
  if (cached) return cached
  const [parser, compiledBase] = await Promise.all([loadCParser(), loadBasePolicy()])
  return compileOver(parser, compiledBase, own, lookup, key)
}

/** The compiler src/labs grades with (gradePolicy): the C parser and the base kernel loaded once, then each compile synchronous. */
export async function loadLabCompiler(): Promise<LabCompiler> {
  const [parser, compiledBase] = await Promise.all([loadCParser(), loadBasePolicy()])
  return {
    parser,
    compile: (source, lookup) => {
      const own = ownSource(source)
      const key = cacheKeyOf(own, lookup)
      return (key ? readCached(key, isKernelPolicy) : null) ?? compileOver(parser, compiledBase, own, lookup, key)
    },
  }
}

// ---- the compiled-state cache on disk (compile-cache.ts) ----------------

/** The key of a linked program: every file it comes from, the base first; null when the compiler cannot be named. */
function chainKey(policy: PolicySource, lookup: PolicyLookup): string | null {
  const baseText = readNamed(BASE_POLICY, 'policy').text
  const chain = [{ file: `${BASE_POLICY}.c`, text: baseText }]
  const seen = new Set<string>()
  for (let p: PolicySource | undefined = policy; p; ) {
    if (seen.has(p.file)) return null
    seen.add(p.file)
    chain.push({ file: p.file, text: p.text })
    const parent = policyParent(p.text)
    if (!parent || parent.name === BASE_POLICY) break
    p = lookup(parent.name)
    if (!p) return null
  }
  return cacheKey('kernel state', chain)
}

const isCompiledPolicy = (value: unknown): value is CompiledPolicy => {
  const v = value as CompiledPolicy | null
  return !!v && typeof v.source === 'string' && Array.isArray(v.program?.functions) && Array.isArray(v.diagnostics)
}

const isKernelPolicy = (value: unknown): value is KernelPolicy => {
  const v = value as KernelPolicy | null
  return !!v && Array.isArray(v.program?.functions) && Array.isArray(v.diagnostics)
}
