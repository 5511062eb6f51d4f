/*
 * C operators on policy values, chosen once per expression from the static
 * types of the operands (so the hot path does no type dispatch).
 *
 * Integer operands follow C: promotion, the usual arithmetic conversions, and
 * a result wrapped to the result type; shifting by a negative count or by the
 * width of the type or more, and dividing by zero, are errors (undefined
 * behaviour in C, a bug in a policy). A `dyn` operand (a value from a native)
 * makes the operation exact, unbounded arithmetic on the values as given.
 * Pointers: addresses (bigint) add and subtract in units of the pointee;
 * Handles and strings only compare for identity. Anything else is an error
 * found when the policy is compiled, or (for `dyn`) when it runs.
 */
import type { BinaryOp } from './ast'
import { type CType, type IntType, T_DYN, T_INT, T_LONG, commonType, isInteger, promote, wrapInt } from './ctype'
import { type CValue, isHandle } from './value'

/** Throws a runtime PolicyError located at the expression being evaluated. */
export type Fail = (message: string) => never

export type BinFn = (a: CValue, b: CValue) => CValue

/** A chosen operation and its result type, or the compile-time error message. */
export type Typed<F> = { fn: F; ty: CType } | string

export const truthy = (v: CValue): boolean => (typeof v === 'bigint' ? v !== 0n : true)

const describe = (v: CValue): string => (typeof v === 'string' ? 'a string' : isHandle(v) ? `a handle (${v.handle})` : `the value ${v}`)

/** The value as an exact integer; a Handle or string here is a script error. */
function num(v: CValue, fail: Fail): bigint {
  if (typeof v === 'bigint') return v
  return fail(`${describe(v)} used in arithmetic`)
}

const bool = (b: boolean): bigint => (b ? 1n : 0n)

/** `==` on any values: numbers by value, Handles by identity. */
const same = (a: CValue, b: CValue): boolean => a === b

function compare(op: BinaryOp, a: bigint, b: bigint): bigint {
  switch (op) {
    case '==': return bool(a === b)
    case '!=': return bool(a !== b)
    case '<': return bool(a < b)
    case '>': return bool(a > b)
    case '<=': return bool(a <= b)
    default: return bool(a >= b)
  }
}

const isCompare = (op: BinaryOp): boolean => ['==', '!=', '<', '>', '<=', '>='].includes(op)

/** Exact arithmetic; division truncates toward zero as in C (bigint does too). */
function arith(op: BinaryOp, a: bigint, b: bigint, fail: Fail, bits: number): bigint {
  switch (op) {
    case '+': return a + b
    case '-': return a - b
    case '*': return a * b
    case '/':
    case '%':
      if (b === 0n) fail('division by zero')
      return op === '/' ? a / b : a % b
    case '<<':
    case '>>':
      if (b < 0n || b >= BigInt(bits)) fail(`shift count ${b} is out of range for a ${bits}-bit value`)
      return op === '<<' ? a << b : a >> b
    case '&': return a & b
    case '|': return a | b
    case '^': return a ^ b
    default: return compare(op, a, b)
  }
}

/** Integer operands: the C rules, result wrapped to its type. */
function integerOp(op: BinaryOp, lt: IntType, rt: IntType, fail: Fail): Typed<BinFn> {
  if (op === '<<' || op === '>>') {
    const ty = lt
    return { fn: (a, b) => wrapInt(ty, arith(op, a as bigint, b as bigint, fail, ty.bits)), ty }
  }
  const ty = commonType(lt, rt)
  if (isCompare(op)) return { fn: (a, b) => compare(op, wrapInt(ty, a as bigint), wrapInt(ty, b as bigint)), ty: T_INT }
  // + - * & | ^ commute with wrapping; / and % need the converted operands.
  if (op === '/' || op === '%') return { fn: (a, b) => wrapInt(ty, arith(op, wrapInt(ty, a as bigint), wrapInt(ty, b as bigint), fail, ty.bits)), ty }
  return { fn: (a, b) => wrapInt(ty, arith(op, a as bigint, b as bigint, fail, ty.bits)), ty }
}

/** Pointer operands: address arithmetic in units of the pointee, identity comparisons. */
function pointerOp(op: BinaryOp, lt: CType, rt: CType, fail: Fail): Typed<BinFn> {
  const invalid = `invalid operands to binary ${op} (have '${lt.name}' and '${rt.name}')`
  if (op === '==' || op === '!=') {
    const eq = op === '=='
    return { fn: (a, b) => bool(same(a, b) === eq), ty: T_INT }
  }
  if (isCompare(op)) {
    if (lt.t !== 'ptr' || rt.t !== 'ptr') return invalid
    return { fn: (a, b) => compare(op, address(a, fail), address(b, fail)), ty: T_INT }
  }
  const ptr = lt.t === 'ptr' ? lt : rt
  if (ptr.t !== 'ptr') return invalid
  if (ptr.size === 0) return `arithmetic on a pointer to incomplete type '${ptr.to}'`
  const size = BigInt(ptr.size)
  if (op === '-' && lt.t === 'ptr' && rt.t === 'ptr') return { fn: (a, b) => BigInt.asIntN(64, address(a, fail) - address(b, fail)) / size, ty: T_LONG }
  if (op === '+' && lt.t === 'ptr' && rt.t !== 'ptr') return { fn: (a, b) => BigInt.asUintN(64, address(a, fail) + num(b, fail) * size), ty: ptr }
  if (op === '+' && rt.t === 'ptr' && lt.t !== 'ptr') return { fn: (a, b) => BigInt.asUintN(64, num(a, fail) * size + address(b, fail)), ty: ptr }
  if (op === '-' && lt.t === 'ptr' && rt.t !== 'ptr') return { fn: (a, b) => BigInt.asUintN(64, address(a, fail) - num(b, fail) * size), ty: ptr }
  return invalid
}

function address(v: CValue, fail: Fail): bigint {
  if (typeof v === 'bigint') return v
  return fail(`pointer arithmetic on ${describe(v)}`)
}

/** Choose the operation for `l op r` from the operand types. */
export function binaryOp(op: BinaryOp, lt: CType, rt: CType, fail: Fail): Typed<BinFn> {
  if (lt.t === 'void' || rt.t === 'void') return 'void value not ignored as it ought to be'
  if (lt.t === 'ptr' || rt.t === 'ptr') return pointerOp(op, lt, rt, fail)
  if (isInteger(lt) && isInteger(rt)) return integerOp(op, promote(lt), promote(rt), fail)
  // A kernel value (dyn) on either side: exact arithmetic on the values as they are.
  if (op === '==' || op === '!=') {
    const eq = op === '=='
    return { fn: (a, b) => bool(same(a, b) === eq), ty: T_INT }
  }
  return { fn: (a, b) => arith(op, num(a, fail), num(b, fail), fail, 64), ty: isCompare(op) ? T_INT : T_DYN }
}

export type UnFn = (a: CValue) => CValue

/** `-x`, `+x`, `~x`, `!x`. */
export function unaryOp(op: '-' | '+' | '~' | '!', ty: CType, fail: Fail): Typed<UnFn> {
  if (ty.t === 'void') return 'void value not ignored as it ought to be'
  if (op === '!') return { fn: (a) => bool(!truthy(a)), ty: T_INT }
  if (ty.t === 'ptr') return `wrong type argument to unary ${op === '~' ? 'complement' : op === '-' ? 'minus' : 'plus'} ('${ty.name}')`
  if (isInteger(ty)) {
    const p = promote(ty)
    if (op === '-') return { fn: (a) => wrapInt(p, -(a as bigint)), ty: p }
    if (op === '~') return { fn: (a) => wrapInt(p, ~(a as bigint)), ty: p }
    return { fn: (a) => a, ty: p }
  }
  if (op === '-') return { fn: (a) => -num(a, fail), ty }
  if (op === '~') return { fn: (a) => ~num(a, fail), ty }
  return { fn: (a) => num(a, fail), ty }
}

/** What storing into (or passing as, or returning as) a value of this type does to a value. */
export function converter(ty: CType): (v: CValue, fail: Fail) => CValue {
  switch (ty.t) {
    case 'int': {
      const { bits, signed } = ty
      return (v, fail) => (typeof v === 'bigint' ? (signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v)) : fail(`cannot convert ${describe(v)} to '${ty.name}'`))
    }
    case 'bool':
      return (v) => bool(truthy(v))
    case 'ptr':
      return (v) => (typeof v === 'bigint' ? BigInt.asUintN(64, v) : v)
    case 'dyn':
      return (v) => v
    case 'void':
      return (_v, fail) => fail('void value not ignored as it ought to be')
  }
}

/** The type of `c ? a : b` from the types of its branches, or an error message. */
export function conditionalType(a: CType, b: CType): CType | string {
  if (a.t === 'void' && b.t === 'void') return a
  if (a.t === 'void' || b.t === 'void') return 'type mismatch in conditional expression (void and non-void)'
  if (a.t === 'ptr') return a
  if (b.t === 'ptr') return b
  if (isInteger(a) && isInteger(b)) return commonType(promote(a), promote(b))
  return a.t === 'dyn' ? a : b
}
