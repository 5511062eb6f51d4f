/*
 * Lowering C expressions (C11 6.5): names bound to frame slots or left to the
 * linker (slot -1), unary, binary, conditional, assignment, ++/--, casts,
 * sizeof, comma, calls and `handle->field`; lvalues are checked here as gcc
 * checks them ("lvalue required as left operand of assignment").
 *
 * tree-sitter-c does not know typedef names, so `(u64)-1` comes out as the
 * subtraction `(u64) - 1` and `(phys_addr_t)(x)` as a call. A parenthesized
 * kernel typedef name is therefore read as a cast: the operator chain around
 * it is re-parsed with C precedence (see `lowerChain`).
 */
import type { AssignOp, BinaryOp, Expr, LValue } from '../ast'
import { type CType, T_INT, T_VOID, isTypedefName, namedType, pointerTo } from '../ctype'
import type { SyntaxNode } from '../tree'
import { type LowerContext, field, join, lookup, named, report, spanOf, unsupported } from './context'
import { charLiteral, numberLiteral, stringLiteral } from './literals'
import { typeDescriptor } from './types'

/** C precedence of the binary operators (higher binds tighter). */
const PREC: Record<string, number> = {
  '*': 10, '/': 10, '%': 10, '+': 9, '-': 9, '<<': 8, '>>': 8, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '==': 6, '!=': 6, '&': 5, '^': 4, '|': 3, '&&': 2, '||': 1,
}

/** A piece of an operator chain being re-parsed around a `(typedef)` cast. */
type ChainTok =
  | { k: 'atom'; node: SyntaxNode }
  | { k: 'op'; op: string; node: SyntaxNode }
  | { k: 'pre'; op: string; node: SyntaxNode }
  | { k: 'cast'; ty: CType | undefined; node: SyntaxNode }

export function expression(lx: LowerContext, n: SyntaxNode): Expr {
  const span = n.span
  switch (n.type) {
    case 'identifier':
      return { k: 'name', span, name: n.text, slot: lookup(lx, n.text) }
    case 'number_literal':
      return numberLiteral(lx, n)
    case 'char_literal':
      return charLiteral(lx, n)
    case 'string_literal':
    case 'concatenated_string':
      return stringLiteral(lx, n)
    case 'true':
    case 'false':
      return { k: 'num', span, value: n.type === 'true' ? 1n : 0n, ty: T_INT }
    case 'null':
      return { k: 'num', span, value: 0n, ty: pointerTo(T_VOID) }
    case 'parenthesized_expression': {
      const inner = named(n)
      if (inner.length !== 1) return unsupported(lx, n)
      if (isTypeParen(n)) return unsupported(lx, n, `type name '${inner[0].text}' used as a value`)
      return expression(lx, inner[0])
    }
    case 'unary_expression':
    case 'pointer_expression':
    case 'binary_expression':
    case 'cast_expression':
      return lowerChain(lx, n)
    case 'conditional_expression': {
      const then = field(n, 'consequence')
      if (!then) return unsupported(lx, n, "the GNU 'a ?: b' operator is not supported")
      return { k: 'cond', span, test: sub(lx, n, 'condition'), then: expression(lx, then), else: sub(lx, n, 'alternative') }
    }
    case 'assignment_expression': {
      const op = field(n, 'operator')?.type as AssignOp | undefined
      const target = lvalue(lx, field(n, 'left'), n)
      return op && target ? { k: 'assign', span, op, target, value: sub(lx, n, 'right') } : { k: 'bad', span }
    }
    case 'update_expression': {
      const op = field(n, 'operator')?.type as '++' | '--' | undefined
      const target = lvalue(lx, field(n, 'argument'), n)
      return op && target ? { k: 'update', span, op, prefix: n.children[0]?.field === 'operator', target } : { k: 'bad', span }
    }
    case 'sizeof_expression': {
      const t = field(n, 'type')
      const v = field(n, 'value')
      if (t) {
        const ty = typeDescriptor(lx, t)
        return ty ? { k: 'sizeof', span, ty } : { k: 'bad', span }
      }
      if (v && isTypeParen(v)) return { k: 'sizeof', span, ty: namedType(named(v)[0].text)! }
      return v ? { k: 'sizeof-expr', span, arg: expression(lx, v) } : { k: 'bad', span }
    }
    case 'comma_expression':
      return { k: 'comma', span, left: sub(lx, n, 'left'), right: sub(lx, n, 'right') }
    case 'call_expression':
      return callExpression(lx, n)
    case 'field_expression': {
      const op = field(n, 'operator')
      const name = field(n, 'field')
      if (op?.type !== '->') return unsupported(lx, n, "struct member access with '.' is not supported (only handle->field)")
      return name ? { k: 'field', span, object: sub(lx, n, 'argument'), field: name.text } : { k: 'bad', span }
    }
    case 'ERROR':
      return { k: 'bad', span }
    default:
      return unsupported(lx, n)
  }
}

function sub(lx: LowerContext, n: SyntaxNode, name: string): Expr {
  const c = field(n, name)
  return c ? expression(lx, c) : { k: 'bad', span: n.span }
}

function lvalue(lx: LowerContext, n: SyntaxNode | undefined, at: SyntaxNode): LValue | undefined {
  if (!n) return undefined
  const e = expression(lx, n)
  if (e.k === 'name' || e.k === 'field') return e
  if (e.k !== 'bad') report(lx, 'invalid', n.span, `lvalue required as ${at.type === 'update_expression' ? 'increment/decrement operand' : 'left operand of assignment'}`)
  return undefined
}

/** `(u64)`: a parenthesized kernel typedef name, which tree-sitter read as an expression. */
function isTypeParen(n: SyntaxNode): boolean {
  if (n.type !== 'parenthesized_expression') return false
  const inner = named(n)
  return inner.length === 1 && inner[0].type === 'identifier' && isTypedefName(inner[0].text)
}

function callExpression(lx: LowerContext, n: SyntaxNode): Expr {
  const f = field(n, 'function')
  const argList = field(n, 'arguments')
  const args = argList ? named(argList).map((a) => expression(lx, a)) : []
  if (f && isTypeParen(f)) {
    if (args.length !== 1) return unsupported(lx, n)
    return { k: 'cast', span: n.span, ty: namedType(named(f)[0].text)!, arg: args[0] }
  }
  if (!f || f.type !== 'identifier') return f ? unsupported(lx, f, 'calls through function pointers are not supported') : { k: 'bad', span: n.span }
  if (lookup(lx, f.text) >= 0) return unsupported(lx, f, `'${f.text}' is a variable: calls through function pointers are not supported`)
  return { k: 'call', span: n.span, callee: f.text, calleeSpan: f.span, args }
}

/** Flatten an operator chain to tokens in source order (only descending where a cast can hide). */
function flatten(lx: LowerContext, n: SyntaxNode, out: ChainTok[]): void {
  if (n.type === 'binary_expression') {
    const l = field(n, 'left')
    const op = field(n, 'operator')
    const r = field(n, 'right')
    if (!l || !op || !r) return void out.push({ k: 'atom', node: n })
    flatten(lx, l, out)
    out.push({ k: 'op', op: op.type, node: op })
    flatten(lx, r, out)
  } else if (n.type === 'unary_expression' || n.type === 'pointer_expression') {
    const op = field(n, 'operator')
    const arg = field(n, 'argument')
    if (!op || !arg) return void out.push({ k: 'atom', node: n })
    // tree-sitter reads `-x = 4` as `-(x = 4)`; C reads `(-x) = 4` and rejects it.
    if (arg.type === 'assignment_expression') report(lx, 'invalid', n.span, 'lvalue required as left operand of assignment')
    out.push({ k: 'pre', op: op.type, node: op })
    flatten(lx, arg, out)
  } else if (n.type === 'cast_expression') {
    const t = field(n, 'type')
    const v = field(n, 'value')
    if (!t || !v) return void out.push({ k: 'atom', node: n })
    if (v.type === 'assignment_expression') report(lx, 'invalid', n.span, 'lvalue required as left operand of assignment')
    out.push({ k: 'cast', ty: typeDescriptor(lx, t), node: n })
    flatten(lx, v, out)
  } else {
    out.push({ k: 'atom', node: n })
  }
}

/**
 * Unary, cast and binary operators, as one chain re-parsed with C precedence.
 * For a chain without a `(typedef)` this rebuilds the tree tree-sitter gave;
 * with one, `(u64) - 1 * 2` becomes `((u64)-1) * 2`.
 */
function lowerChain(lx: LowerContext, n: SyntaxNode): Expr {
  const toks: ChainTok[] = []
  flatten(lx, n, toks)
  let i = 0
  const unary = (): Expr => {
    const t = toks[i++]
    if (!t) return unsupported(lx, n, 'expected an expression')
    if (t.k === 'pre') {
      const arg = unary()
      return prefix(lx, t.op, t.node, arg)
    }
    if (t.k === 'cast') {
      const arg = unary()
      return t.ty ? { k: 'cast', span: join(spanOf(t.node), arg.span), ty: t.ty, arg } : { k: 'bad', span: t.node.span }
    }
    if (t.k === 'op') return unsupported(lx, t.node, `expected an expression before '${t.op}'`)
    if (isTypeParen(t.node)) {
      const ty = namedType(named(t.node)[0].text)!
      const next = toks[i]
      if (next?.k !== 'op' || !['-', '+', '*', '&'].includes(next.op)) return unsupported(lx, t.node, `'${t.node.children.map((c) => c.text).join('')}' needs an operand to cast`)
      i++
      const arg = prefix(lx, next.op, next.node, unary())
      return { k: 'cast', span: join(t.node.span, arg.span), ty, arg }
    }
    return expression(lx, t.node)
  }
  const binary = (minPrec: number): Expr => {
    let left = unary()
    for (;;) {
      const t = toks[i]
      if (t?.k !== 'op' || PREC[t.op] === undefined || PREC[t.op] < minPrec) return left
      i++
      const right = binary(PREC[t.op] + 1)
      const span = join(left.span, right.span)
      left =
        t.op === '&&' || t.op === '||'
          ? { k: 'logical', span, op: t.op, left, right }
          : { k: 'binary', span, op: t.op as BinaryOp, left, right }
    }
  }
  const e = binary(0)
  return i === toks.length ? e : unsupported(lx, toks[i].node, 'unexpected operator')
}

function prefix(lx: LowerContext, op: string, opNode: SyntaxNode, arg: Expr): Expr {
  const span = join(opNode.span, arg.span)
  if (op === '-' || op === '+' || op === '!' || op === '~') return { k: 'unary', span, op, arg }
  if (op === '&') {
    if (arg.k === 'name' && arg.slot === -1) return { k: 'addr', span, name: arg.name }
    if (arg.k === 'bad') return arg
    report(lx, 'unsupported', span, arg.k === 'name' ? "taking the address of a local variable is not supported" : "'&' is only supported on a global or kernel object name")
    return { k: 'bad', span }
  }
  if (op === '*') {
    report(lx, 'unsupported', span, 'dereferencing a pointer is not supported: use the kernel accessor (pmdp_get, READ_ONCE...)')
    return { k: 'bad', span }
  }
  report(lx, 'unsupported', span, `operator '${op}' is not supported`)
  return { k: 'bad', span }
}
