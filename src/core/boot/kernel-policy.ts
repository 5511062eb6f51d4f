/*
 * A kernel state ready to boot: the learner's policy compiled against the base
 * kernel (unpatched.c) and linked over it, so what the file leaves out comes
 * from the base. Like a patch series, a policy may instead build on another
 * kernel state: a header line `Builds on: patched-v2` overlays that state (and
 * its own parents) first. A policy may redefine any base function, and the weak
 * native mem_init(); redefining the rest of the native kernel (start_kernel, the
 * allocators, the walker) is refused: the boot order is the kernel's.
 */
import type { Parser } from 'web-tree-sitter'
import { type CompiledPolicy, compilePolicy, linkPolicy, type Diagnostic, type Program } from '../policy'
import type { KernelPolicy } from './boot'
import { NATIVE_SIGNATURES, POLICY_OVERRIDABLE } from './natives'

export interface PolicySource {
  name: string
  file: string
  text: string
}

/** Compile the base kernel policy (done once per host and reused). */
export function compileBase(parser: Parser, base: PolicySource): CompiledPolicy {
  const compiled = compilePolicy(parser, base.text, base.file, NATIVE_SIGNATURES)
  return { ...compiled, diagnostics: [...compiled.diagnostics, ...nativeRedefinitions(compiled)] }
}

function nativeRedefinitions(compiled: CompiledPolicy): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const fn of compiled.program?.functions ?? []) {
    if (fn.file !== compiled.file || !NATIVE_SIGNATURES.functions.has(fn.name) || POLICY_OVERRIDABLE.has(fn.name)) continue
    out.push({
      severity: 'error',
      code: 'redefinition',
      message: `${fn.name}() is part of the simulated kernel and cannot be redefined by a policy (the boot order and the model's machinery are fixed)`,
      file: compiled.file,
      line: fn.span.line,
      column: fn.span.column,
      endLine: fn.span.endLine,
      endColumn: fn.span.endColumn,
    })
  }
  return out
}

// A file's leading byte-order mark is not text (compilePolicy skips it too): the line still names the parent.
const BUILDS_ON = /^\uFEFF?[ \t/*]*Builds on:[ \t]*([A-Za-z0-9._-]+?)(?:\.c)?[ \t]*(?:\*\/[ \t]*)?$/m

/** The kernel state a policy builds on (`Builds on: patched-v2` in a comment), if it names one. */
export function policyParent(text: string): { name: string; line: number } | null {
  const m = BUILDS_ON.exec(text)
  if (!m) return null
  return { name: m[1], line: text.slice(0, m.index).split(/\r\n|\r|\n/).length }
}

/** Finds a kernel state by name (a bundled policy, a file of the lab). */
export type PolicyLookup = (name: string) => PolicySource | undefined

function chainError(policy: PolicySource, line: number, message: string): Diagnostic {
  return { severity: 'error', code: 'unknown-identifier', message, file: policy.file, line, column: 1, endLine: line, endColumn: 200 }
}

/** The policy, its parent, its parent's parent... up to (not including) the base. */
function ancestry(policy: PolicySource, base: CompiledPolicy, lookup: PolicyLookup): PolicySource[] | Diagnostic {
  const chain = [policy]
  for (let p = policy; ; ) {
    const parent = policyParent(p.text)
    if (!parent || `${parent.name}.c` === base.file) return chain
    const next = lookup(parent.name)
    if (!next) return chainError(p, parent.line, `'Builds on: ${parent.name}' names no known kernel state`)
    if (chain.some((c) => c.file === next.file)) return chainError(p, parent.line, `'Builds on: ${parent.name}' makes a cycle`)
    chain.push(next)
    p = next
  }
}

interface Layer {
  program: Program | null
  diagnostics: Diagnostic[]
}

/** One kernel state compiled against, and linked over, the program beneath it. */
function compileLayer(parser: Parser, under: Program, layer: PolicySource): Layer {
  const compiled = compilePolicy(parser, layer.text, layer.file, NATIVE_SIGNATURES, { base: under })
  const diagnostics = [...compiled.diagnostics, ...nativeRedefinitions(compiled)]
  const ok = compiled.program && !diagnostics.some((d) => d.severity === 'error')
  return { program: ok ? linkPolicy(under, compiled.program!) : null, diagnostics }
}

/**
 * Kernel states others build on, already linked, keyed by the program they
 * overlay and then by file and text: a keystroke in series.c does not recompile
 * patched-v2.c. Same inputs, same layer, so caching cannot change a result.
 */
const ancestors = new WeakMap<Program, Map<string, Layer>>()

function ancestorLayer(parser: Parser, under: Program, layer: PolicySource): Layer {
  let cache = ancestors.get(under)
  if (!cache) ancestors.set(under, (cache = new Map()))
  const key = `${layer.file}\0${layer.text}`
  let linked = cache.get(key)
  if (!linked) cache.set(key, (linked = compileLayer(parser, under, layer)))
  return linked
}

/** The learner's file over its kernel state (by default the base), ready for boot(). */
export function preparePolicy(parser: Parser, policy: PolicySource, base: CompiledPolicy, lookup: PolicyLookup = () => undefined): KernelPolicy {
  if (!base.program) {
    return { name: policy.name, program: null, diagnostics: base.diagnostics }
  }
  if (policy.file === base.file && policy.text === base.source) {
    return { name: policy.name, program: base.program, diagnostics: base.diagnostics }
  }
  const chain = ancestry(policy, base, lookup)
  if (!Array.isArray(chain)) return { name: policy.name, program: null, diagnostics: [chain] }
  let linked = base.program
  const diagnostics: Diagnostic[] = []
  const layersBottomUp = chain.reverse()
  for (const [i, layer] of layersBottomUp.entries()) {
    const own = i === layersBottomUp.length - 1
    // The learner's own file changes every keystroke: only its ancestors are cached.
    const result = own ? compileLayer(parser, linked, layer) : ancestorLayer(parser, linked, layer)
    diagnostics.push(...result.diagnostics)
    if (!result.program) return { name: policy.name, program: null, diagnostics }
    linked = result.program
  }
  return { name: policy.name, program: linked, diagnostics }
}
