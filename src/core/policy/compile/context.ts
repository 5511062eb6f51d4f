/*
 * The compiler's context: the linked program's file-scope names (functions,
 * globals, `#define`s with their evaluated values), the natives and the
 * Runtime the closures will run against, and the diagnostics. Also what every
 * part shares: the compiled-expression shape (closure + static C type), the
 * located error reporting, and `bad`, the closure of a node that cannot run
 * (reported once at compile time, a PolicyError at its span if ever reached).
 */
import type { DefineDef, Expr, FunctionDef, GlobalDef, Program, Span } from '../ast'
import { type CType, T_DYN } from '../ctype'
import type { Fail } from '../operators'
import { type Eval, type Locals, type Runtime, policyError } from '../runtime'
import type { CValue, Diagnostic, NativeTable, SourcePos } from '../value'

/** Where an expression is compiled: which file, which function, and whether it must be constant. */
export interface Cx {
  file: string
  fn: FunctionDef | undefined
  /** Global initializers, `#define` values and case labels: no variables, no calls. */
  constant: boolean
}

/** A compiled expression: its closure and its static C type. */
export interface C {
  ev: Eval
  ty: CType
}

/** A constant expression's value; `known` is false when it depends on a native constant while only checking. */
export interface ConstValue {
  value: CValue
  ty: CType
  known: boolean
}

export interface CompilerOptions {
  /** Names whose declarations had syntax errors: they exist, but are not compiled. */
  known?: ReadonlySet<string>
  /**
   * Compiling only for diagnostics, with native constants that are placeholders
   * (their values depend on the machine booted): constant expressions that use
   * them are checked but not evaluated.
   */
  checkOnly?: boolean
}

/** What a name outside any function scope refers to in the linked program. */
export type Binding =
  | { k: 'define'; value: CValue; ty: CType; known: boolean }
  | { k: 'global'; def: GlobalDef }
  | { k: 'constant' }
  | { k: 'object' }
  | { k: 'function' }
  | { k: 'broken' }
  | { k: 'unknown' }

export const EMPTY_FRAME: Locals = []

export interface CompileContext {
  readonly diagnostics: Diagnostic[]
  readonly natives: NativeTable
  readonly rt: Runtime
  readonly fns: Map<string, FunctionDef>
  readonly globals: Map<string, GlobalDef>
  readonly defines: Map<string, DefineDef>
  /** Evaluated `#define`s; null for one whose value has an error. */
  readonly defineValues: Map<string, ConstValue | null>
  /** `#define`s being evaluated now: meeting one again is a cycle. */
  readonly evaluating: Set<string>
  /** Names whose declarations had syntax errors: they exist, but are not compiled. */
  readonly known: ReadonlySet<string>
  readonly checkOnly: boolean
  /** Set when the constant expression being compiled reads a native constant. */
  usesNative: boolean
  /**
   * The expression compiler (expressions.ts), through which calls, lvalues and
   * constant expressions compile their operands without importing it back.
   */
  readonly expr: (e: Expr, cx: Cx, used?: boolean) => C
}

/** The context for compiling `program`: its file-scope names bound, its globals given cells in `rt`. */
export function compileContext(program: Program, natives: NativeTable, rt: Runtime, options: CompilerOptions, expr: (cc: CompileContext, e: Expr, cx: Cx, used?: boolean) => C): CompileContext {
  const cc: CompileContext = {
    diagnostics: [],
    natives,
    rt,
    fns: new Map(),
    globals: new Map(),
    defines: new Map(),
    defineValues: new Map(),
    evaluating: new Set(),
    known: options.known ?? new Set(),
    checkOnly: options.checkOnly ?? false,
    usesNative: false,
    expr: (e, cx, used) => expr(cc, e, cx, used),
  }
  for (const f of program.functions) cc.fns.set(f.name, f)
  for (const d of program.defines) cc.defines.set(d.name, d)
  for (const g of program.globals) {
    cc.globals.set(g.name, g)
    rt.globals.set(g.name, { def: g, value: 0n })
  }
  return cc
}

export function report(cc: CompileContext, code: Diagnostic['code'], file: string, span: Span, message: string): void {
  cc.diagnostics.push({ severity: 'error', code, message, file, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn })
}

export function failAt(file: string, span: Span): Fail {
  return (message) => {
    throw policyError('runtime', file, span, message)
  }
}

/** A node that cannot run: report it (unless `message` is empty: already reported) and throw if reached. */
export function bad(cc: CompileContext, cx: Cx, span: Span, message: string, code: Diagnostic['code'] = 'invalid', ty: CType = T_DYN): C {
  if (message) report(cc, code, cx.file, span, message)
  const fail = failAt(cx.file, span)
  const text = message || 'this code has an error and cannot run'
  return { ev: () => fail(text), ty }
}

export function literal(cc: CompileContext, value: CValue, ty: CType): C {
  const rt = cc.rt
  return {
    ev: () => {
      rt.steps++
      return value
    },
    ty,
  }
}

export const sourcePos = (file: string, span: Span): SourcePos => Object.freeze({ file, line: span.line, column: span.column })
