/*
 * File-scope names and constant expressions (C11 6.6): what a name outside any
 * function means in the linked program (a `#define`, a global, a native
 * constant, a kernel object, a function), the values of `#define`s (evaluated
 * once, a self-reference reported as a cycle), global initializers and case
 * labels, which must be constant: no variables, no calls, no assignments.
 */
import type { DefineDef, Expr, GlobalDef, Span } from '../ast'
import { converter } from '../operators'
import { type CValue, PolicyError } from '../value'
import { type Binding, type CompileContext, type ConstValue, EMPTY_FRAME, failAt, report } from './context'

/** Evaluate a constant expression now; undefined (with a diagnostic) if it is not one or fails. */
export function constant(cc: CompileContext, e: Expr, file: string): ConstValue | undefined {
  const before = cc.diagnostics.length
  const outer = cc.usesNative
  cc.usesNative = false
  const c = cc.expr(e, { file, fn: undefined, constant: true })
  const usesNative = cc.usesNative
  cc.usesNative ||= outer
  if (cc.diagnostics.length > before) return undefined
  if (usesNative && cc.checkOnly) return { value: 0n, ty: c.ty, known: false }
  try {
    return { value: c.ev(EMPTY_FRAME), ty: c.ty, known: true }
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err
    cc.diagnostics.push({ ...err.diagnostic, code: 'invalid' })
    return undefined
  }
}

export function initialValue(cc: CompileContext, g: GlobalDef): CValue | undefined {
  if (!g.init) return 0n
  const c = constant(cc, g.init, g.file)
  if (!c) return undefined
  if (!c.known) return 0n
  try {
    return converter(g.ty)(c.value, failAt(g.file, g.init.span))
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err
    cc.diagnostics.push({ ...err.diagnostic, code: 'invalid' })
    return undefined
  }
}

export function defineValue(cc: CompileContext, d: DefineDef): ConstValue | null | 'cycle' {
  if (cc.evaluating.has(d.name)) return 'cycle'
  if (cc.defineValues.has(d.name)) return cc.defineValues.get(d.name)!
  cc.evaluating.add(d.name)
  const v = constant(cc, d.value, d.file) ?? null
  cc.evaluating.delete(d.name)
  cc.defineValues.set(d.name, v)
  return v
}

export function bind(cc: CompileContext, name: string, file: string, span: Span): Binding {
  const d = cc.defines.get(name)
  if (d) {
    const v = defineValue(cc, d)
    if (v === 'cycle') report(cc, 'invalid', file, span, `#define '${name}' refers to itself`)
    if (!v || v === 'cycle') return { k: 'broken' }
    cc.usesNative ||= !v.known
    return { k: 'define', ...v }
  }
  const g = cc.globals.get(name)
  if (g) return { k: 'global', def: g }
  if (cc.natives.constants.has(name)) {
    cc.usesNative = true
    return { k: 'constant' }
  }
  if (cc.natives.objects?.has(name)) return { k: 'object' }
  if (cc.fns.has(name) || cc.natives.functions.has(name)) return { k: 'function' }
  if (cc.known.has(name)) return { k: 'broken' }
  return { k: 'unknown' }
}
