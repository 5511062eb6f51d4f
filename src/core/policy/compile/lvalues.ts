/*
 * Compiling lvalues and stores (C11 6.5.16, 6.5.2.4, 6.5.3.1): `=`, the
 * compound assignments (`x op= v` is `x = (T)(x op v)`), prefix and postfix
 * ++/--, to a local's slot, a global's cell (with the kernel's read and write
 * hooks) or a writable field of a kernel handle (`h->f`). Read-only variables,
 * constants and read-only fields are reported as gcc reports them.
 */
import type { Expr, LValue } from '../ast'
import { type CType, T_DYN, T_INT } from '../ctype'
import { type Fail, binaryOp, converter } from '../operators'
import type { Eval, Locals } from '../runtime'
import { type CValue, isHandle } from '../value'
import { bind } from './constants'
import { type C, type CompileContext, type Cx, bad, failAt, report, sourcePos } from './context'

/** Assignment, compound assignment, ++ and --. */
export function assignment(cc: CompileContext, e: Extract<Expr, { k: 'assign' | 'update' }>, cx: Cx): C {
  const { span, target } = e
  if (cx.constant) return bad(cc, cx, span, 'initializer element is not constant (an assignment)')
  const loc = lvalue(cc, target, cx)
  if (!loc) return bad(cc, cx, span, '')
  if ('error' in loc) return bad(cc, cx, target.span, loc.error)
  const fail = failAt(cx.file, span)
  // x op= v is x = (T)(x op v); ++x is x += 1.
  const op = e.k === 'update' ? (e.op === '++' ? '+' : '-') : e.op === '=' ? undefined : (e.op.slice(0, -1) as Parameters<typeof binaryOp>[0])
  // The 1 of ++/-- is part of the operator, not an expression of its own (no step).
  const value: C = e.k === 'update' ? { ev: () => 1n, ty: T_INT } : cc.expr(e.value, cx)
  if (value.ty.t === 'void') return bad(cc, cx, e.k === 'assign' ? e.value.span : span, 'void value not ignored as it ought to be')
  let combine: ((old: CValue, v: CValue) => CValue) | undefined
  if (op) {
    const bin = binaryOp(op, loc.ty, value.ty, fail)
    if (typeof bin === 'string') return bad(cc, cx, span, bin)
    combine = bin.fn
  }
  const conv = converter(loc.ty)
  const v = value.ev
  const { object, read, write } = loc
  const rt = cc.rt
  const postfix = e.k === 'update' && !e.prefix
  return {
    ev: (f) => {
      rt.steps++
      const o = object ? object(f) : 0n
      const old = combine || postfix ? read(f, o) : undefined
      const next = conv(combine ? combine(old!, v(f)) : v(f), fail)
      write(f, o, next)
      return postfix ? old! : next
    },
    ty: loc.ty,
  }
}

/**
 * Where an lvalue lives: its type, and how to read and write it. For `h->f`,
 * `object` evaluates `h` once per store and read/write get its value as `o`.
 */
function lvalue(cc: CompileContext, t: LValue, cx: Cx): Location | { error: string } | undefined {
  const rt = cc.rt
  const fail = failAt(cx.file, t.span)
  if (t.k === 'field') {
    const name = t.field
    return {
      ty: T_DYN,
      object: cc.expr(t.object, cx).ev,
      read: (_f, o) => readField(o, name, fail),
      write: (_f, o, v) => writeField(o, name, v, fail),
    }
  }
  const name = t.name
  if (t.slot >= 0 && cx.fn) {
    const local = cx.fn.locals[t.slot]
    if (local.isConst) return { error: `assignment of read-only variable '${name}'` }
    const slot = t.slot
    return {
      ty: local.ty,
      read: (f) => {
        const v = f[slot]
        return v === undefined ? fail(`'${name}' is used uninitialised`) : v
      },
      write: (f, _o, v) => {
        f[slot] = v
      },
    }
  }
  const b = bind(cc, name, cx.file, t.span)
  switch (b.k) {
    case 'global': {
      if (b.def.isConst) return { error: `assignment of read-only variable '${name}'` }
      const cell = rt.globals.get(name)!
      const pos = sourcePos(cx.file, t.span)
      return {
        ty: b.def.ty,
        read: () => {
          const hook = rt.onGlobalRead
          if (hook !== undefined) hook(name, pos)
          return cell.value
        },
        write: (_f, _o, v) => {
          const hook = rt.onGlobalWrite
          if (hook !== undefined) hook(name, v, pos)
          cell.value = v
        },
      }
    }
    case 'define':
    case 'constant':
      return { error: `cannot assign to constant '${name}'` }
    case 'object':
    case 'function':
      return { error: `'${name}' is not assignable` }
    case 'broken':
      return undefined
    case 'unknown':
      report(cc, 'unknown-identifier', cx.file, t.span, `'${name}' undeclared (not a local, a global, a #define or a kernel constant)`)
      return undefined
  }
}

interface Location {
  ty: CType
  object?: Eval
  read: (f: Locals, o: CValue) => CValue
  write: (f: Locals, o: CValue, v: CValue) => void
}

/** `h->name`: only a field the Handle declares (own property, so never `__proto__`). */
export function readField(h: CValue, name: string, fail: Fail): CValue {
  if (!isHandle(h)) return fail(`'->${name}' on ${typeof h === 'string' ? 'a string' : 'an integer'}: only kernel handles have fields`)
  const fields = h.fields
  if (fields === undefined || !Object.hasOwn(fields, name)) return fail(`handle '${h.handle}' has no field '${name}'`)
  const v = fields[name]
  return typeof v === 'bigint' ? v : fail(`field '${name}' of handle '${h.handle}' is not an integer`)
}

function writeField(h: CValue, name: string, v: CValue, fail: Fail): void {
  readField(h, name, fail)
  const handle = h as Exclude<CValue, bigint | string>
  if (!handle.writable?.includes(name)) fail(`field '${name}' of handle '${handle.handle}' is read-only`)
  if (typeof v !== 'bigint') fail(`cannot store a ${typeof v === 'string' ? 'string' : 'handle'} in field '${name}'`)
  // A kernel struct field is at most 64 bits; wrapping keeps kernel values (exact, unbounded) from growing across stores.
  handle.fields![name] = BigInt.asIntN(64, v)
}
