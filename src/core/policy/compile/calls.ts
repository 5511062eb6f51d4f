/*
 * Compiling function calls (C11 6.5.2.2): to a policy function (arity and a
 * void result checked against its definition, the callee resolved on first
 * call so mutual recursion works), to a native (its arity, at least for a
 * variadic one like pr_info), or a located "unknown function" with the
 * closest known name. Calls through function pointers are outside the subset.
 */
import type { Expr } from '../ast'
import { T_DYN } from '../ctype'
import { type CompiledFunction, type Locals, type Site, policyError } from '../runtime'
import { closestName } from '../suggest'
import type { CValue } from '../value'
import { bind } from './constants'
import { type C, type CompileContext, type Cx, bad, failAt } from './context'

export function callExpression(cc: CompileContext, e: Extract<Expr, { k: 'call' }>, cx: Cx, used: boolean): C {
  const rt = cc.rt
  const { callee, span } = e
  const args = e.args.map((a) => {
    const c = cc.expr(a, cx)
    return c.ty.t === 'void' ? bad(cc, cx, a.span, 'void value not ignored as it ought to be').ev : c.ev
  })
  const n = args.length
  if (cx.constant) return bad(cc, cx, span, 'initializer element is not constant (a function call)')
  const site: Site = { file: cx.file, span }
  const def = cc.fns.get(callee)
  const native = def ? undefined : cc.natives.functions.get(callee)
  const evalArgs = (f: Locals): CValue[] => {
    const vals = new Array<CValue>(n)
    for (let i = 0; i < n; i++) vals[i] = args[i](f)
    return vals
  }
  if (def) {
    if (n !== def.params) return bad(cc, cx, span, `${n < def.params ? 'too few' : 'too many'} arguments to function '${callee}' (it takes ${def.params}, given ${n})`, 'arity', def.ret)
    if (used && def.ret.t === 'void') return bad(cc, cx, span, `void value not ignored as it ought to be ('${callee}' returns void)`)
    let target: CompiledFunction | undefined
    return {
      ev: (f) => {
        rt.steps++
        const vals = evalArgs(f)
        target ??= rt.functions.get(callee)
        if (!target) throw policyError('runtime', site.file, span, `'${callee}' is not compiled`)
        return rt.callPolicy(target, vals, site)
      },
      ty: def.ret,
    }
  }
  if (native) {
    const a = native.arity
    if (typeof a === 'number' ? n !== a : n < a.min) {
      const want = typeof a === 'number' ? `${a}` : `at least ${a.min}`
      return bad(cc, cx, span, `${typeof a === 'number' && n > a ? 'too many' : 'too few'} arguments to function '${callee}' (it takes ${want}, given ${n})`, 'arity')
    }
    const fail = failAt(cx.file, span)
    const slot = rt.nativeSlot(callee)
    const natives = rt.nativeFunctions
    return {
      ev: (f) => {
        rt.steps++
        const r = rt.callNative(natives[slot], evalArgs(f), site)
        if (r !== undefined) return r
        return used ? fail(`'${callee}' returned no value`) : 0n
      },
      ty: T_DYN,
    }
  }
  const b = bind(cc, callee, cx.file, e.calleeSpan)
  if (b.k === 'broken') return bad(cc, cx, span, '')
  if (b.k !== 'unknown') return bad(cc, cx, e.calleeSpan, `called object '${callee}' is not a function`)
  const near = closestName(callee, [...cc.fns.keys(), ...cc.natives.functions.keys()])
  return bad(cc, cx, e.calleeSpan, `unknown function '${callee}' (not defined in the policy, the base kernel or the natives)${near ? `; did you mean '${near}'?` : ''}`, 'unknown-function')
}
