/*
 * Lowering C statements (C11 6.8) in a function body: compound statements with
 * their block scopes, local declarations (frame slots; a block-scope `extern`
 * naming the global), expression statements, if/while/do/for, switch with its
 * case and default labels, break/continue/return checked against their
 * context, and labels with the gotos that must reach them.
 */
import type { Expr, Stmt, VarDecl } from '../ast'
import type { SyntaxNode } from '../tree'
import { EXTERN, type FnState, type LowerContext, declareLocal, field, inLoop, named, report, scoped, spanOf, unsupported } from './context'
import { expression } from './expressions'
import { declarator, specifiers, valueType } from './types'

/** Statements of a compound statement, in the current scope. */
export function blockBody(lx: LowerContext, n: SyntaxNode): Stmt[] {
  return n.children.filter((c) => c.named).flatMap((c) => statement(lx, c))
}

/** A statement where C wants exactly one (if branch, loop body). */
function single(lx: LowerContext, n: SyntaxNode): Stmt {
  const list = scoped(lx, () => statement(lx, n))
  return list.length === 1 ? list[0] : { k: 'block', span: n.span, body: list }
}

export function condition(lx: LowerContext, n: SyntaxNode | undefined, at: SyntaxNode): Expr {
  if (!n) return { k: 'bad', span: at.span }
  const inner = n.type === 'parenthesized_expression' ? named(n) : [n]
  return inner.length === 1 ? expression(lx, inner[0]) : unsupported(lx, n)
}

/** One C statement → AST statements (a label or case adds a marker before its statement). */
export function statement(lx: LowerContext, n: SyntaxNode): Stmt[] {
  const span = n.span
  const fn = lx.fn!
  switch (n.type) {
    case 'compound_statement':
      return [{ k: 'block', span, body: scoped(lx, () => blockBody(lx, n)) }]
    case 'declaration':
      return localDeclaration(lx, n)
    case 'expression_statement': {
      const e = named(n)
      return [e.length === 0 ? { k: 'empty', span } : { k: 'expr', span, expr: expression(lx, e[0]) }]
    }
    case 'if_statement': {
      const alt = field(n, 'alternative')
      const elseStmt = alt && named(alt)[0]
      const then = field(n, 'consequence')
      return [
        {
          k: 'if',
          span,
          test: condition(lx, field(n, 'condition'), n),
          then: then ? single(lx, then) : { k: 'empty', span },
          else: elseStmt && single(lx, elseStmt),
        },
      ]
    }
    case 'while_statement': {
      const body = field(n, 'body')
      return [inLoop(lx, () => ({ k: 'while', span, test: condition(lx, field(n, 'condition'), n), body: body ? single(lx, body) : { k: 'empty', span } }))]
    }
    case 'do_statement': {
      const body = field(n, 'body')
      return [inLoop(lx, () => ({ k: 'do', span, body: body ? single(lx, body) : { k: 'empty', span }, test: condition(lx, field(n, 'condition'), n) }))]
    }
    case 'for_statement':
      return [scoped(lx, () => forStatement(lx, n))]
    case 'break_statement':
      if (fn.breakables.length === 0) report(lx, 'invalid', span, "'break' is not inside a loop or switch")
      return [{ k: 'break', span }]
    case 'continue_statement':
      if (!fn.breakables.includes('loop')) report(lx, 'invalid', span, "'continue' is not inside a loop")
      return [{ k: 'continue', span }]
    case 'return_statement': {
      const e = named(n)[0]
      if (!e && fn.ret.t !== 'void') report(lx, 'invalid', span, "'return' with no value in a function returning non-void")
      return [{ k: 'return', span, value: e && expression(lx, e) }]
    }
    case 'goto_statement': {
      const label = field(n, 'label')
      if (!label) return []
      fn.gotos.push({ label: label.text, span: label.span, blocks: [...fn.blocks] })
      return [{ k: 'goto', span, label: label.text }]
    }
    case 'labeled_statement': {
      const label = field(n, 'label')
      const inner = n.children.filter((c) => c.named && c.field !== 'label')
      if (!label) return inner.flatMap((c) => statement(lx, c))
      if (fn.labels.has(label.text)) report(lx, 'redefinition', label.span, `duplicate label '${label.text}'`)
      else fn.labels.set(label.text, { span: label.span, block: fn.blocks[fn.blocks.length - 1] })
      return [{ k: 'label', span: label.span, name: label.text }, ...inner.flatMap((c) => statement(lx, c))]
    }
    case 'switch_statement':
      return [switchStatement(lx, n)]
    case 'case_statement':
      report(lx, 'unsupported', spanOf(n.children[0] ?? n), "a 'case' label outside the top of a switch body is not supported")
      return []
    case 'ERROR':
      return []
    default:
      unsupported(lx, n)
      return []
  }
}

function forStatement(lx: LowerContext, n: SyntaxNode): Stmt {
  const span = n.span
  const init = field(n, 'initializer')
  const test = field(n, 'condition')
  const update = field(n, 'update')
  const body = field(n, 'body')
  const initStmt: Stmt | undefined = !init
    ? undefined
    : init.type === 'declaration'
      ? localDeclaration(lx, init)[0]
      : { k: 'expr', span: init.span, expr: expression(lx, init) }
  return inLoop(lx, () => ({
    k: 'for',
    span,
    init: initStmt,
    test: test && expression(lx, test),
    update: update && expression(lx, update),
    body: body ? single(lx, body) : { k: 'empty', span },
  }))
}

function switchStatement(lx: LowerContext, n: SyntaxNode): Stmt {
  const span = n.span
  const test = condition(lx, field(n, 'condition'), n)
  const body = field(n, 'body')
  const fn = lx.fn!
  fn.breakables.push('switch')
  try {
    if (body && body.type !== 'compound_statement') unsupported(lx, body, 'a switch body must be a { } block')
    const stmts = body?.type !== 'compound_statement'
      ? []
      : scoped(lx, () =>
            named(body).flatMap((c): Stmt[] => {
              if (c.type !== 'case_statement') return statement(lx, c)
              const value = field(c, 'value')
              const marker: Stmt = { k: 'case', span: spanOf(c.children[0] ?? c), value: value && expression(lx, value) }
              return [marker, ...c.children.filter((s) => s.named && s.field !== 'value').flatMap((s) => statement(lx, s))]
            }),
          )
    return { k: 'switch', span, test, body: stmts }
  } finally {
    fn.breakables.pop()
  }
}

function localDeclaration(lx: LowerContext, n: SyntaxNode): Stmt[] {
  const spec = specifiers(lx, n)
  const span = n.span
  if (spec.storage.includes('static')) {
    unsupported(lx, n, 'static local variables are not supported')
    return []
  }
  const typeNode = field(n, 'type')
  if (typeNode?.type === 'enum_specifier' && field(typeNode, 'body')) return []
  const isExtern = spec.storage.includes('extern')
  const vars: VarDecl[] = []
  const out: Stmt[] = []
  for (const d of n.children.filter((c) => c.field === 'declarator')) {
    const decl = spec.base && declarator(lx, d, spec.base)
    if (!decl || decl.kind === 'fn') continue
    if (isExtern) {
      lx.fn!.scopes[lx.fn!.scopes.length - 1].set(decl.name, EXTERN)
      out.push({ k: 'extern', span: spanOf(decl.nameNode), name: decl.name })
      continue
    }
    const ty = valueType(lx, decl.ty, d)
    if (!ty) continue
    const slot = declareLocal(lx, decl.name, decl.nameNode.span, ty, spec.isConst)
    // The name is in scope in its own initializer, as in C.
    vars.push({ name: decl.name, span: spanOf(d), slot, ty, init: decl.init && expression(lx, decl.init) })
  }
  if (vars.length > 0) out.push({ k: 'decl', span, vars })
  return out
}

/** Every goto must name a label in a block that encloses it (forward or backward). */
export function checkGotos(lx: LowerContext, fn: FnState): void {
  for (const g of fn.gotos) {
    const label = fn.labels.get(g.label)
    if (!label) report(lx, 'unknown-identifier', g.span, `label '${g.label}' used but not defined`)
    else if (!g.blocks.includes(label.block)) report(lx, 'unsupported', g.span, `'goto ${g.label}' jumps into a nested block, which is not supported`)
  }
}
