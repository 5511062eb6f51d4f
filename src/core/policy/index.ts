/*
 * The policy front end and interpreter: what the rest of BootLab uses.
 *
 *   compilePolicy(parser, source, file, natives, { base })  C text → Program + diagnostics
 *   linkPolicy(base, overlay)                               the learner's file over the base kernel
 *   new Interpreter(linked, natives, limits)                run it
 *   interpreter.rebind(natives, limits)                     run it again, for another boot
 *
 * A compiled policy with any error diagnostic has `program: null`: a policy
 * that does not compile does not boot.
 */
import type { Parser } from 'web-tree-sitter'
import type { Program } from './ast'
import { checkDeclarations } from './check'
import { Compiler } from './compile'
import { linkPolicy } from './link'
import { lowerProgram } from './lower/declarations'
import { Runtime } from './runtime'
import { parseSyntax } from './syntax'
import type { Diagnostic, NativeTable } from './value'

export type { Program, FunctionDef, GlobalDef, DefineDef, Span, Expr, Stmt } from './ast'
export { parseSyntax } from './syntax'
export { lowerProgram } from './lower/declarations'
export type { CType } from './ctype'
export type { Eval, Limits, Locals, StatementHook, StatementSite } from './runtime'
export { Interpreter } from './interpreter'
export { linkPolicy } from './link'
export { ANNOTATIONS } from './syntax'
export * from './value'

export interface CompiledPolicy {
  file: string
  source: string
  program: Program | null
  diagnostics: Diagnostic[]
}

export interface CompileOptions {
  /** The base kernel program the file will be linked over; names it defines are known. */
  base?: Program
}

const byPosition = (a: Diagnostic, b: Diagnostic) => a.line - b.line || a.column - b.column || a.message.localeCompare(b.message)

/** Parse, lower and check one policy file (against the base it will be linked over). */
export function compilePolicy(parser: Parser, source: string, file: string, natives: NativeTable, options: CompileOptions = {}): CompiledPolicy {
  try {
    // tree-sitter counts lines at LF only; a lone CR ends a line too (in Monaco and in the learner's editor).
    // A leading byte-order mark is not text: GCC and Monaco skip it, so line 1's columns do not count it.
    const syntax = parseSyntax(parser, source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), file)
    const lowered = lowerProgram(syntax, file)
    const own = lowered.program
    const linked = options.base ? linkPolicy(options.base, own) : own
    const compiler = new Compiler(linked, natives, new Runtime(natives), { known: lowered.brokenNames, checkOnly: true })
    compiler.checkFile(own)
    const diagnostics = [
      ...syntax.diagnostics,
      ...lowered.diagnostics,
      ...checkDeclarations(own, file, options.base),
      ...compiler.diagnostics.filter((d) => d.file === file),
    ].sort(byPosition)
    const ok = !diagnostics.some((d) => d.severity === 'error')
    return { file, source, program: ok ? own : null, diagnostics }
  } catch (e) {
    // Only absurd nesting (thousands of brackets) gets here: the JS stack ran out.
    if (!(e instanceof RangeError)) throw e
    const span = { line: 1, column: 1, endLine: 1, endColumn: 2 }
    return { file, source, program: null, diagnostics: [{ severity: 'error', code: 'unsupported', message: 'the policy nests too deeply to compile', file, ...span }] }
  }
}
