/*
 * The lowering's context: what walking one policy file's syntax tree builds up
 * (the Program, the diagnostics, the names of broken items) and, inside a
 * function body, the lexical state C gives a compiler: block scopes with frame
 * slots, enclosing loops and switches, labels and gotos. Also the shared
 * reporting of constructs outside the subset (gcc's "sorry, unimplemented"),
 * always located at the construct.
 */
import type { Expr, Local, Program, Span, Stmt } from '../ast'
import type { CType } from '../ctype'
import type { SyntaxNode } from '../tree'
import type { Diagnostic } from '../value'

export const field = (n: SyntaxNode, name: string) => n.children.find((c) => c.field === name)
export const named = (n: SyntaxNode) => n.children.filter((c) => c.named)
export const leaves = (n: SyntaxNode): string[] => (n.children.length === 0 ? [n.text] : n.children.flatMap(leaves))
export const spanOf = (a: SyntaxNode, b: SyntaxNode = a): Span => ({ line: a.span.line, column: a.span.column, endLine: b.span.endLine, endColumn: b.span.endColumn })
export const join = (a: Span, b: Span): Span => ({ line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn })

/** Messages for expression and statement node types outside the subset. */
export const UNSUPPORTED: Record<string, string> = {
  subscript_expression: 'arrays are not supported',
  gnu_asm_expression: 'inline assembly is not supported',
  compound_literal_expression: 'compound literals are not supported',
  initializer_list: 'brace initializers are not supported',
  offsetof_expression: 'offsetof is not supported',
  alignof_expression: 'alignof is not supported',
  generic_expression: '_Generic is not supported',
  extension_expression: '__extension__ is not supported',
  compound_statement: 'statement expressions are not supported',
  attributed_statement: 'attributes are not supported',
  type_definition: 'typedef is not supported',
  function_definition: 'nested functions are not supported',
  preproc_def: '#define inside a function is not supported',
  preproc_function_def: 'function-like macros are not supported',
  preproc_include: '#include inside a function is not supported',
  preproc_if: 'conditional compilation (#if) is not supported',
  preproc_ifdef: 'conditional compilation (#ifdef) is not supported',
  preproc_call: 'this preprocessor directive is not supported',
  linkage_specification: 'extern "C" blocks are not supported',
  struct_specifier: 'struct definitions are not supported',
  union_specifier: 'unions are not supported',
}

type Scope = Map<string, number>
/** Scope entry of a block-scope `extern`: the name means the global. */
export const EXTERN = -1

export interface FnState {
  ret: CType
  locals: Local[]
  scopes: Scope[]
  /** Enclosing breakable statements, innermost last. */
  breakables: ('loop' | 'switch')[]
  blocks: number[]
  nextBlock: number
  labels: Map<string, { span: Span; block: number }>
  gotos: { label: string; span: Span; blocks: number[] }[]
}

/** A top-level item's extent, for attaching annotation macros to it. */
export interface Item {
  start: number
  end: number
  bodyStart: number
  annotations: string[] | null
}

export interface LowerContext {
  readonly file: string
  readonly diagnostics: Diagnostic[]
  readonly program: Program
  /** Names declared by top-level items that had syntax errors: known, but not checked or run. */
  readonly brokenNames: Set<string>
  readonly items: Item[]
  /** The function whose body is being lowered. */
  fn: FnState | null
}

export function lowerContext(file: string): LowerContext {
  return { file, diagnostics: [], program: { functions: [], globals: [], defines: [], externs: [] }, brokenNames: new Set(), items: [], fn: null }
}

export function report(lx: LowerContext, code: Diagnostic['code'], span: Span, message: string): void {
  lx.diagnostics.push({ severity: 'error', code, message, file: lx.file, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn })
}

/** Report a construct outside the subset, unless a syntax error there was already reported. */
export function unsupported(lx: LowerContext, n: SyntaxNode, message = UNSUPPORTED[n.type] ?? `'${n.type.replace(/_/g, ' ')}' is not supported`): Expr {
  if (!n.hasError) report(lx, 'unsupported', n.span, message)
  return { k: 'bad', span: n.span }
}

export function declareLocal(lx: LowerContext, name: string, span: Span, ty: CType, isConst: boolean): number {
  const fn = lx.fn!
  const scope = fn.scopes[fn.scopes.length - 1]
  if (scope.has(name)) report(lx, 'redefinition', span, `redefinition of '${name}'`)
  const slot = fn.locals.length
  fn.locals.push({ name, ty, isConst })
  scope.set(name, slot)
  return slot
}

export function lookup(lx: LowerContext, name: string): number {
  const scopes = lx.fn?.scopes ?? []
  for (let i = scopes.length - 1; i >= 0; i--) {
    const s = scopes[i].get(name)
    if (s !== undefined) return s
  }
  return -1
}

export function scoped<T>(lx: LowerContext, f: () => T): T {
  const fn = lx.fn!
  fn.scopes.push(new Map())
  fn.blocks.push(fn.nextBlock++)
  try {
    return f()
  } finally {
    fn.scopes.pop()
    fn.blocks.pop()
  }
}

export function inLoop(lx: LowerContext, f: () => Stmt): Stmt {
  lx.fn!.breakables.push('loop')
  try {
    return f()
  } finally {
    lx.fn!.breakables.pop()
  }
}
