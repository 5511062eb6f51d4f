/*
 * A kernel state ready to boot: the learner's policy compiled against the base
 * kernel (unpatched.c) and linked over it, so what the file leaves out comes
 * from the base. A policy may redefine any base function, and the weak native
 * mem_init(); redefining the rest of the native kernel (start_kernel, the
 * allocators, the walker) is refused: the boot order is the kernel's.
 */
import type { Parser } from 'web-tree-sitter'
import { type CompiledPolicy, compilePolicy, linkPolicy, type Diagnostic } from '../policy'
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
  for (const fn of compiled.program?.functions.values() ?? []) {
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

/** The learner's file over the compiled base, ready for boot(). */
export function preparePolicy(parser: Parser, policy: PolicySource, base: CompiledPolicy): KernelPolicy {
  if (!base.program) {
    return { name: policy.name, program: null, diagnostics: base.diagnostics }
  }
  if (policy.file === base.file && policy.text === base.source) {
    return { name: policy.name, program: base.program, diagnostics: base.diagnostics }
  }
  const compiled = compilePolicy(parser, policy.text, policy.file, NATIVE_SIGNATURES, { base: base.program })
  const diagnostics = [...compiled.diagnostics, ...nativeRedefinitions(compiled)]
  const ok = compiled.program && !diagnostics.some((d) => d.severity === 'error')
  return { name: policy.name, program: ok ? linkPolicy(base.program, compiled.program!) : null, diagnostics }
}
