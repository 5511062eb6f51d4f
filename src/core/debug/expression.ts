/*
 * A debugger's C expression (a watch, a breakpoint condition, `--print`, a
 * logpoint's `{...}`), read by the policy front end itself: tree-sitter parses
 * it as the one statement of a throw-away function, the lowerer turns it into
 * the same AST a policy has, and the names of the stopped function's locals
 * are bound to that function's frame slots. The running interpreter then
 * compiles it like policy code (interpreter.debugExpression), so `end - start
 * > SZ_2M` means exactly what it would mean in the policy.
 *
 * A local's name is bound to the last slot of that name: a policy that shadows
 * a name in an inner block shows the inner one.
 */
import type { Parser } from 'web-tree-sitter'
import { type Diagnostic, type Expr, type FunctionDef, lowerProgram, parseSyntax } from '../policy'

const WRAPPER = '__bootlab_debug_expression'

export type ParsedExpression = { expr: Expr } | { error: string }

/** Parse `text` as one C expression; syntax errors and statements are refused with a message. */
export function parseExpression(parser: Parser, text: string): ParsedExpression {
  const trimmed = text.trim()
  if (!trimmed) return { error: 'empty expression' }
  if (/[;{}]/.test(trimmed)) return { error: `'${trimmed}' is not a single C expression` }
  const source = `void ${WRAPPER}(void)\n{\n${trimmed}\n;}\n`
  const syntax = parseSyntax(parser, source, '<expression>')
  const lowered = lowerProgram(syntax, '<expression>')
  const problems = [...syntax.diagnostics, ...lowered.diagnostics]
  if (problems.length) return { error: describe(problems[0], trimmed) }
  const body = lowered.program.functions[0]?.body.body ?? []
  if (body.length !== 1 || body[0].k !== 'expr') return { error: `'${trimmed}' is not a single C expression` }
  return { expr: body[0].expr }
}

/** The expression with the names of `fn`'s locals bound to their slots (a copy; `expr` is shared). */
export function bindLocals(expr: Expr, fn: FunctionDef | undefined): Expr {
  if (!fn) return expr
  const slots = new Map<string, number>()
  fn.locals.forEach((l, i) => slots.set(l.name, i))
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit)
    if (typeof node !== 'object' || node === null || !('k' in node)) return node
    const copy: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) copy[key] = key === 'span' || key === 'ty' ? value : visit(value)
    if (copy.k === 'name' && copy.slot === -1 && slots.has(copy.name as string)) copy.slot = slots.get(copy.name as string)
    return copy
  }
  return visit(expr) as Expr
}

/** A diagnostic about an expression, without the wrapper's line numbers. */
export function describe(d: Diagnostic, text: string): string {
  return `in '${text}': ${d.message}`
}
