/*
 * Declaration checks of one policy file: a name defined twice in the file, and
 * a function whose signature differs from the base kernel's. The kernel (natives
 * and base policy code) calls a policy-visible function the way the base
 * declares it, so a learner's `mem_init(int x)` could never be called right.
 * Checks on names and calls inside code are made while compiling (compile.ts).
 */
import type { Program, Span } from './ast'
import type { Diagnostic } from './value'

export function checkDeclarations(own: Program, file: string, base?: Program): Diagnostic[] {
  const out: Diagnostic[] = []
  const report = (code: Diagnostic['code'], span: Span, message: string) =>
    out.push({ severity: 'error', code, message, file, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn })

  const seen = new Map<string, string>()
  const items = [
    ...own.functions.map((f) => ({ name: f.name, span: f.nameSpan, kind: 'function' })),
    ...own.globals.map((g) => ({ name: g.name, span: g.nameSpan, kind: 'variable' })),
    ...own.defines.map((d) => ({ name: d.name, span: d.span, kind: 'constant' })),
  ].sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column)
  for (const it of items) {
    const before = seen.get(it.name)
    if (before === undefined) seen.set(it.name, it.kind)
    else if (before === it.kind) report('redefinition', it.span, `redefinition of ${it.kind} '${it.name}'`)
    else report('redefinition', it.span, `'${it.name}' redeclared as a different kind of symbol (it is already a ${before})`)
  }

  for (const f of own.functions) {
    const b = base?.functions.find((x) => x.name === f.name)
    if (!b) continue
    if (b.params !== f.params) {
      report('arity', f.nameSpan, `'${f.name}' takes ${b.params} parameter${b.params === 1 ? '' : 's'} in the base kernel, which calls it that way; this definition has ${f.params}`)
    } else if ((b.ret.t === 'void') !== (f.ret.t === 'void')) {
      report('invalid', f.nameSpan, `'${f.name}' returns ${b.ret.name} in the base kernel; this definition returns ${f.ret.name}`)
    }
  }
  return out
}
