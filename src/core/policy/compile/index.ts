/*
 * Linked program → JavaScript closures, and the semantic checks that need the
 * whole linked program (base kernel + learner's file + natives).
 *
 * Each AST node becomes one closure over its children, with its static C type
 * worked out once here: operators are chosen by type (operators.ts), names are
 * bound to a frame slot, a global's cell, a `#define`'s value or a native
 * constant, and calls to the callee. Natives and native constants are reached
 * through the Runtime's slots (a constant expression folds the constant's value,
 * and the Runtime remembers it), so the closures can run again against another
 * boot's natives. Running a policy is then calling closures, with no lookups by
 * name and no type dispatch on the hot path.
 *
 * Problems found here are diagnostics (unknown names, arity, assigning a
 * constant, a void value used, a non-constant initializer); the closure for the
 * offending node throws a runtime PolicyError if it is ever run. Every
 * expression evaluated and statement executed counts one step; statements
 * check the budget.
 */
import type { Expr, FunctionDef, Program } from '../ast'
import type { Eval, Runtime } from '../runtime'
import { PolicyError, type Diagnostic, type NativeTable } from '../value'
import { defineValue, initialValue } from './constants'
import { type CompileContext, type CompilerOptions, compileContext, report } from './context'
import { expression } from './expressions'
import { compileFunction } from './statements'

export type { CompilerOptions } from './context'

/** One linked program's compiler: what an Interpreter and the checker use. */
export class Compiler {
  private readonly cc: CompileContext

  constructor(program: Program, natives: NativeTable, rt: Runtime, options: CompilerOptions = {}) {
    this.cc = compileContext(program, natives, rt, options, expression)
  }

  get diagnostics(): Diagnostic[] {
    return this.cc.diagnostics
  }

  /** Compile every function and give every global its initial value: what an interpreter starts from. */
  compileAll(): void {
    const cc = this.cc
    for (const def of cc.fns.values()) cc.rt.functions.set(def.name, compileFunction(cc, def))
    for (const cell of cc.rt.globals.values()) {
      const v = initialValue(cc, cell.def)
      if (v === undefined) throw new PolicyError(cc.diagnostics[cc.diagnostics.length - 1])
      cell.value = v
    }
  }

  /**
   * A debugger's expression (a watch, a breakpoint condition), compiled in the
   * scope of `fn` (its locals already bound to `fn`'s slots) or of the globals
   * alone. Problems are in `diagnostics`; the closure then throws if run.
   */
  debugExpression(e: Expr, file: string, fn: FunctionDef | undefined): Eval {
    return expression(this.cc, e, { file, fn, constant: false }).ev
  }

  /** Compile one file's own items against the linked program, for their diagnostics. */
  checkFile(own: Program): void {
    const cc = this.cc
    for (const def of own.functions) compileFunction(cc, def)
    for (const g of own.globals) initialValue(cc, g)
    for (const d of own.defines) defineValue(cc, d)
    for (const x of own.externs) {
      if (!cc.globals.has(x.name) && !cc.known.has(x.name)) report(cc, 'unknown-identifier', x.file, x.span, `'${x.name}' is declared extern but no global of that name is defined`)
    }
  }
}
