/*
 * Compiling C expressions (C11 6.5) to closures: literals, names (a frame slot,
 * a global's cell, a `#define`'s or a native constant's value), unary, binary,
 * logical and conditional operators chosen by static type (operators.ts),
 * `&global`, casts, sizeof, comma and `handle->field`. Calls are in calls.ts,
 * assignments in lvalues.ts. Every expression evaluated counts one step; the
 * statement around it checks the budget.
 */
import type { Expr, Span } from '../ast'
import { type CType, T_DYN, T_INT, T_SIZE, T_VOID, isInteger, pointerTo, sizeOf } from '../ctype'
import { binaryOp, conditionalType, converter, truthy, unaryOp } from '../operators'
import type { Eval } from '../runtime'
import type { CValue } from '../value'
import { callExpression } from './calls'
import { bind } from './constants'
import { type C, type CompileContext, type Cx, bad, failAt, literal, sourcePos } from './context'
import { assignment, readField } from './lvalues'

/** A controlling expression (if/while/for/?:): any scalar, not void. */
export function condition(cc: CompileContext, e: Expr, cx: Cx): Eval {
  const c = expression(cc, e, cx)
  return c.ty.t === 'void' ? bad(cc, cx, e.span, 'void value not ignored as it ought to be').ev : c.ev
}

/** `used`: false where the value is discarded (expression statements, the left of a comma). */
export function expression(cc: CompileContext, e: Expr, cx: Cx, used = true): C {
  const rt = cc.rt
  const span = e.span
  switch (e.k) {
    case 'num':
    case 'str': {
      const value = e.value
      const ty = e.k === 'num' ? e.ty : pointerTo({ name: 'char', size: 1 })
      return {
        ev: () => {
          rt.steps++
          return value
        },
        ty,
      }
    }
    case 'name':
      return identifier(cc, e, cx)
    case 'field': {
      const object = expression(cc, e.object, cx).ev
      const name = e.field
      const fail = failAt(cx.file, span)
      return {
        ev: (f) => {
          rt.steps++
          return readField(object(f), name, fail)
        },
        ty: T_DYN,
      }
    }
    case 'unary': {
      const arg = expression(cc, e.arg, cx)
      const op = unaryOp(e.op, arg.ty, failAt(cx.file, span))
      if (typeof op === 'string') return bad(cc, cx, span, op)
      const a = arg.ev
      const fn = op.fn
      return {
        ev: (f) => {
          rt.steps++
          return fn(a(f))
        },
        ty: op.ty,
      }
    }
    case 'addr':
      return addressOf(cc, e.name, cx, span)
    case 'binary': {
      const l = expression(cc, e.left, cx)
      const r = expression(cc, e.right, cx)
      const op = binaryOp(e.op, l.ty, r.ty, failAt(cx.file, span))
      if (typeof op === 'string') return bad(cc, cx, span, op)
      const [a, b, fn] = [l.ev, r.ev, op.fn]
      return {
        ev: (f) => {
          rt.steps++
          return fn(a(f), b(f))
        },
        ty: op.ty,
      }
    }
    case 'logical': {
      const a = condition(cc, e.left, cx)
      const b = condition(cc, e.right, cx)
      const and = e.op === '&&'
      return {
        ev: (f) => {
          rt.steps++
          return (and ? truthy(a(f)) && truthy(b(f)) : truthy(a(f)) || truthy(b(f))) ? 1n : 0n
        },
        ty: T_INT,
      }
    }
    case 'cond': {
      const test = condition(cc, e.test, cx)
      const a = expression(cc, e.then, cx, used)
      const b = expression(cc, e.else, cx, used)
      const ty = conditionalType(a.ty, b.ty)
      if (typeof ty === 'string') return bad(cc, cx, span, ty)
      const conv = isInteger(ty) ? converter(ty) : (v: CValue) => v
      const fail = failAt(cx.file, span)
      const [x, y] = [a.ev, b.ev]
      return {
        ev: (f) => {
          rt.steps++
          return conv(truthy(test(f)) ? x(f) : y(f), fail)
        },
        ty,
      }
    }
    case 'assign':
    case 'update':
      return assignment(cc, e, cx)
    case 'cast':
      return castExpression(cc, e.ty, expression(cc, e.arg, cx, e.ty.t !== 'void'), cx, span)
    case 'sizeof':
      return literal(cc, BigInt(sizeOf(e.ty)), T_SIZE)
    case 'sizeof-expr': {
      const ty = expression(cc, e.arg, cx).ty
      if (ty.t === 'void') return bad(cc, cx, span, "invalid application of 'sizeof' to a void type")
      return literal(cc, BigInt(sizeOf(ty)), T_SIZE)
    }
    case 'comma': {
      const a = expression(cc, e.left, cx, false).ev
      const b = expression(cc, e.right, cx, used)
      const ev = b.ev
      return {
        ev: (f) => {
          rt.steps++
          a(f)
          return ev(f)
        },
        ty: b.ty,
      }
    }
    case 'call':
      return callExpression(cc, e, cx, used)
    case 'bad':
      return bad(cc, cx, span, '')
  }
}

export function identifier(cc: CompileContext, e: Extract<Expr, { k: 'name' }>, cx: Cx): C {
  const rt = cc.rt
  const { span, name } = e
  if (e.slot >= 0 && cx.fn) {
    const slot = e.slot
    const fail = failAt(cx.file, span)
    return {
      ev: (f) => {
        rt.steps++
        const v = f[slot]
        return v === undefined ? fail(`'${name}' is used uninitialised`) : v
      },
      ty: cx.fn.locals[slot].ty,
    }
  }
  const b = bind(cc, name, cx.file, span)
  switch (b.k) {
    case 'define':
      return literal(cc, b.value, b.ty)
    case 'constant': {
      // A constant expression folds the machine's value (rebind checks it is the same next time).
      if (cx.constant) return literal(cc, rt.fold(name), T_DYN)
      const slot = rt.constantSlot(name)
      const values = rt.constantValues
      return {
        ev: () => {
          rt.steps++
          return values[slot]
        },
        ty: T_DYN,
      }
    }
    case 'global': {
      if (cx.constant) return bad(cc, cx, span, `initializer element is not constant ('${name}' is a variable)`)
      const cell = rt.globals.get(name)!
      const pos = sourcePos(cx.file, span)
      return {
        ev: () => {
          rt.steps++
          const hook = rt.onGlobalRead
          if (hook !== undefined) hook(name, pos)
          return cell.value
        },
        ty: b.def.ty,
      }
    }
    case 'object':
      return bad(cc, cx, span, `'${name}' is a kernel object: use '&${name}'`)
    case 'function':
      return bad(cc, cx, span, `function '${name}' used as a value: function pointers are not supported`, 'unsupported')
    case 'broken':
      return bad(cc, cx, span, '')
    case 'unknown':
      return bad(cc, cx, span, `'${name}' undeclared (not a local, a global, a #define or a kernel constant)`, 'unknown-identifier')
  }
}

function addressOf(cc: CompileContext, name: string, cx: Cx, span: Span): C {
  const b = bind(cc, name, cx.file, span)
  if (b.k === 'unknown') return bad(cc, cx, span, `'${name}' undeclared (not a global or a kernel object)`, 'unknown-identifier')
  if (b.k === 'broken') return bad(cc, cx, span, '')
  if (b.k === 'function') return bad(cc, cx, span, 'function pointers are not supported', 'unsupported')
  if (b.k !== 'global' && b.k !== 'object') return bad(cc, cx, span, `cannot take the address of constant '${name}'`)
  const ref = cc.rt.ref(name)
  return literal(cc, ref, b.k === 'global' ? pointerTo(b.def.ty) : pointerTo(T_VOID))
}

function castExpression(cc: CompileContext, ty: CType, arg: C, cx: Cx, span: Span): C {
  const rt = cc.rt
  const a = arg.ev
  if (ty.t === 'void') {
    return {
      ev: (f) => {
        rt.steps++
        a(f)
        return 0n
      },
      ty,
    }
  }
  if (arg.ty.t === 'void') return bad(cc, cx, span, 'void value not ignored as it ought to be')
  const conv = converter(ty)
  const fail = failAt(cx.file, span)
  return {
    ev: (f) => {
      rt.steps++
      return conv(a(f), fail)
    },
    ty,
  }
}
