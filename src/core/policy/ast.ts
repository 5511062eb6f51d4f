/*
 * The policy AST: plain, compact objects (no tree-sitter nodes, no classes), so
 * a compiled policy can be cached, linked with the base kernel policy and sent
 * to a worker. Locals are already resolved to frame slots (lexical scoping does
 * not depend on linking); every other name is resolved when the linked program
 * is compiled. Spans are 1-based; the end column points just past the node.
 */
import type { CType } from './ctype'

export interface Span {
  line: number
  column: number
  endLine: number
  endColumn: number
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^' | '==' | '!=' | '<' | '>' | '<=' | '>='
export type AssignOp = '=' | '+=' | '-=' | '*=' | '/=' | '%=' | '<<=' | '>>=' | '&=' | '|=' | '^='

/** Identifier; `slot` is the frame slot of a local or parameter, -1 for anything else. */
export interface NameExpr {
  k: 'name'
  span: Span
  name: string
  slot: number
}
/** `h->field`, only on Handles. */
export interface FieldExpr {
  k: 'field'
  span: Span
  object: Expr
  field: string
}
export type LValue = NameExpr | FieldExpr

export type Expr =
  | { k: 'num'; span: Span; value: bigint; ty: CType }
  | { k: 'str'; span: Span; value: string }
  | NameExpr
  | FieldExpr
  | { k: 'unary'; span: Span; op: '-' | '+' | '!' | '~'; arg: Expr }
  /** `&name` of a global or native object: a RefHandle. */
  | { k: 'addr'; span: Span; name: string }
  | { k: 'binary'; span: Span; op: BinaryOp; left: Expr; right: Expr }
  | { k: 'logical'; span: Span; op: '&&' | '||'; left: Expr; right: Expr }
  | { k: 'cond'; span: Span; test: Expr; then: Expr; else: Expr }
  | { k: 'assign'; span: Span; op: AssignOp; target: LValue; value: Expr }
  | { k: 'update'; span: Span; op: '++' | '--'; prefix: boolean; target: LValue }
  | { k: 'cast'; span: Span; ty: CType; arg: Expr }
  | { k: 'sizeof'; span: Span; ty: CType }
  /** `sizeof expr`: the operand is typed, never evaluated. */
  | { k: 'sizeof-expr'; span: Span; arg: Expr }
  | { k: 'comma'; span: Span; left: Expr; right: Expr }
  | { k: 'call'; span: Span; callee: string; calleeSpan: Span; args: Expr[] }
  /** Stands where the source had an error already reported; running it is an error. */
  | { k: 'bad'; span: Span }

export interface VarDecl {
  name: string
  span: Span
  slot: number
  ty: CType
  init?: Expr
}

export type Stmt =
  | { k: 'block'; span: Span; body: Stmt[] }
  | { k: 'decl'; span: Span; vars: VarDecl[] }
  /** Block-scope `extern T name;`: names a global, runs no code. */
  | { k: 'extern'; span: Span; name: string }
  | { k: 'expr'; span: Span; expr: Expr }
  | { k: 'if'; span: Span; test: Expr; then: Stmt; else?: Stmt }
  | { k: 'while'; span: Span; test: Expr; body: Stmt }
  | { k: 'do'; span: Span; body: Stmt; test: Expr }
  | { k: 'for'; span: Span; init?: Stmt; test?: Expr; update?: Expr; body: Stmt }
  | { k: 'break'; span: Span }
  | { k: 'continue'; span: Span }
  | { k: 'return'; span: Span; value?: Expr }
  | { k: 'goto'; span: Span; label: string }
  /** A label: a position in the enclosing block (or switch body) that `goto` jumps to. */
  | { k: 'label'; span: Span; name: string }
  /** Body is flat: `case` markers among the statements, as C has it. */
  | { k: 'switch'; span: Span; test: Expr; body: Stmt[] }
  /** `case value:`, or `default:` without a value. */
  | { k: 'case'; span: Span; value?: Expr }
  | { k: 'empty'; span: Span }

export interface Local {
  name: string
  ty: CType
  isConst: boolean
}

export interface FunctionDef {
  name: string
  file: string
  span: Span
  nameSpan: Span
  ret: CType
  /** Parameters occupy slots 0..params-1. */
  params: number
  /** Every local and parameter, by slot. */
  locals: Local[]
  body: Extract<Stmt, { k: 'block' }>
  /** Kernel annotations and specifiers, sorted: `__init`, `static`, `inline`. */
  annotations: string[]
}

export interface GlobalDef {
  name: string
  file: string
  span: Span
  nameSpan: Span
  ty: CType
  isConst: boolean
  init?: Expr
  /** Sorted: `__ro_after_init`, `__initdata`, `static`, `const`. */
  annotations: string[]
}

/** `#define NAME value` of a constant, or an enumerator (`value` typed int). */
export interface DefineDef {
  name: string
  file: string
  span: Span
  value: Expr
}

/** A top-level `extern T name;`; it must name a global defined somewhere in the linked program. */
export interface ExternDecl {
  name: string
  file: string
  span: Span
}

/** The initcall levels of include/linux/init.h, in the order do_initcalls() runs them (early first, from do_pre_smp_initcalls()). */
export const INITCALL_LEVELS = ['early', 'pure', 'core', 'postcore', 'arch', 'subsys', 'fs', 'rootfs', 'device', 'late'] as const
export type InitcallLevel = (typeof INITCALL_LEVELS)[number]

/** A top-level `arch_initcall(fn);`: the kernel runs `fn` at that level. */
export interface InitcallDecl {
  level: InitcallLevel
  fn: string
  file: string
  span: Span
}

export interface Program {
  functions: FunctionDef[]
  globals: GlobalDef[]
  defines: DefineDef[]
  externs: ExternDecl[]
  /** Initcalls the policy registers (absent: none). */
  initcalls?: InitcallDecl[]
}
