/*
 * Compiling C statements (C11 6.8) to closures returning a completion code
 * (NORMAL, BREAK, CONTINUE, RETURN, GOTO): blocks with their labels, local
 * declarations, if/while/do/for, switch with a case table built from constant
 * labels, break/continue/return/goto. Every statement checks the step budget
 * inline, naming its own line when the budget runs out. In a debug build
 * (rt.onStatement set) statements that run code first report to the debugger;
 * a normal build compiles the same closures without the hook.
 */
import type { FunctionDef, Stmt } from '../ast'
import { T_VOID, isInteger, promote, wrapInt } from '../ctype'
import { converter, truthy } from '../operators'
import { BREAK, type CompiledFunction, CONTINUE, type Exec, GOTO, type Locals, NORMAL, RETURN, type StatementSite } from '../runtime'
import { bind, constant } from './constants'
import { type CompileContext, type Cx, bad, failAt, report } from './context'
import { condition, expression } from './expressions'

export function compileFunction(cc: CompileContext, def: FunctionDef): CompiledFunction {
  const cx: Cx = { file: def.file, fn: def, constant: false }
  return { def, body: statement(cc, def.body, cx), params: def.locals.slice(0, def.params).map((l) => converter(l.ty)) }
}

/** Compile a statement list; labels and case markers become no-op entries at their index. */
function statementList(cc: CompileContext, stmts: Stmt[], cx: Cx): { execs: Exec[]; labels: Map<string, number>; cases: { s: Extract<Stmt, { k: 'case' }>; index: number }[] } {
  const execs: Exec[] = []
  const labels = new Map<string, number>()
  const cases: { s: Extract<Stmt, { k: 'case' }>; index: number }[] = []
  for (const s of stmts) {
    if (s.k === 'label') labels.set(s.name, execs.length)
    if (s.k === 'case') cases.push({ s, index: execs.length })
    execs.push(s.k === 'label' || s.k === 'case' ? () => NORMAL : statement(cc, s, cx))
  }
  return { execs, labels, cases }
}

/** Run statements from `start`; a `goto` to one of this list's labels continues there. */
function runner(cc: CompileContext, execs: Exec[], labels: Map<string, number>): (f: Locals, start: number) => number {
  const rt = cc.rt
  const n = execs.length
  return (f, start) => {
    let i = start
    while (i < n) {
      const c = execs[i](f)
      if (c === NORMAL) {
        i++
        continue
      }
      if (c === GOTO) {
        const target = labels.get(rt.gotoLabel)
        if (target !== undefined) {
          i = target
          continue
        }
      }
      return c
    }
    return NORMAL
  }
}

/** A statement's closure; in a debug build, statements that run code first report to the debugger. */
function statement(cc: CompileContext, s: Stmt, cx: Cx): Exec {
  const exec = statementExec(cc, s, cx)
  const hook = cc.rt.onStatement
  if (hook === undefined || !cx.fn || s.k === 'block' || s.k === 'label' || s.k === 'case' || s.k === 'empty' || s.k === 'extern') return exec
  const rt = cc.rt
  const site: StatementSite = { file: cx.file, line: s.span.line, fn: cx.fn, stmt: s }
  return (f) => {
    hook(site, f, rt.depth)
    return exec(f)
  }
}

function statementExec(cc: CompileContext, s: Stmt, cx: Cx): Exec {
  const rt = cc.rt
  const file = cx.file
  const span = s.span
  switch (s.k) {
    case 'block': {
      const { execs, labels } = statementList(cc, s.body, cx)
      const run = runner(cc, execs, labels)
      return (f) => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        return run(f, 0)
      }
    }
    case 'decl': {
      const vars = s.vars.map((v) => {
        const init = v.init && expression(cc, v.init, cx)
        if (init?.ty.t === 'void') report(cc, 'invalid', file, v.init!.span, 'void value not ignored as it ought to be')
        return { slot: v.slot, init: init?.ev, conv: converter(v.ty), fail: failAt(file, v.init?.span ?? v.span) }
      })
      return (f) => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        for (const v of vars) f[v.slot] = v.init ? v.conv(v.init(f), v.fail) : undefined
        return NORMAL
      }
    }
    case 'extern':
      if (bind(cc, s.name, file, span).k !== 'global' && !cc.known.has(s.name)) {
        report(cc, 'unknown-identifier', file, span, `'${s.name}' is declared extern but no global of that name is defined`)
      }
      return () => NORMAL
    case 'expr': {
      const e = expression(cc, s.expr, cx, false).ev
      return (f) => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        e(f)
        return NORMAL
      }
    }
    case 'if': {
      const test = condition(cc, s.test, cx)
      const then = statement(cc, s.then, cx)
      const otherwise = s.else && statement(cc, s.else, cx)
      return (f) => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        if (truthy(test(f))) return then(f)
        return otherwise ? otherwise(f) : NORMAL
      }
    }
    case 'while': {
      const test = condition(cc, s.test, cx)
      const body = statement(cc, s.body, cx)
      return (f) => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        while (truthy(test(f))) {
          const c = body(f)
          if (c === BREAK) break
          if (c !== NORMAL && c !== CONTINUE) return c
        }
        return NORMAL
      }
    }
    case 'do': {
      const test = condition(cc, s.test, cx)
      const body = statement(cc, s.body, cx)
      return (f) => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        do {
          const c = body(f)
          if (c === BREAK) break
          if (c !== NORMAL && c !== CONTINUE) return c
        } while (truthy(test(f)))
        return NORMAL
      }
    }
    case 'for': {
      const init = s.init && statement(cc, s.init, cx)
      const test = s.test && condition(cc, s.test, cx)
      const update = s.update && expression(cc, s.update, cx, false).ev
      const body = statement(cc, s.body, cx)
      return (f) => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        if (init) init(f)
        for (;;) {
          if (test && !truthy(test(f))) break
          const c = body(f)
          if (c === BREAK) break
          if (c !== NORMAL && c !== CONTINUE) return c
          if (update) update(f)
        }
        return NORMAL
      }
    }
    case 'break':
    case 'continue': {
      const code = s.k === 'break' ? BREAK : CONTINUE
      return () => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        return code
      }
    }
    case 'return': {
      const ret = cx.fn?.ret ?? T_VOID
      const value = s.value && expression(cc, s.value, cx, ret.t !== 'void')
      if (value?.ty.t === 'void' && ret.t !== 'void') report(cc, 'invalid', file, s.value!.span, 'void value not ignored as it ought to be')
      // `return g();` with g void is accepted in a void function, as GCC does.
      if (value && value.ty.t !== 'void' && ret.t === 'void') report(cc, 'invalid', file, span, "'return' with a value in a function returning void")
      const ev = value?.ev
      const conv = converter(ret)
      const fail = failAt(file, s.value?.span ?? span)
      if (ret.t === 'void') {
        return (f) => {
          if (++rt.steps > rt.maxSteps) rt.budget(file, span)
          if (ev) ev(f)
          rt.ret = 0n
          return RETURN
        }
      }
      return (f) => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        rt.ret = ev ? conv(ev(f), fail) : 0n
        return RETURN
      }
    }
    case 'goto': {
      const label = s.label
      return () => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        rt.gotoLabel = label
        return GOTO
      }
    }
    case 'switch':
      return switchStatement(cc, s, cx)
    case 'label':
    case 'case':
    case 'empty':
      return () => {
        if (++rt.steps > rt.maxSteps) rt.budget(file, span)
        return NORMAL
      }
  }
}

function switchStatement(cc: CompileContext, s: Extract<Stmt, { k: 'switch' }>, cx: Cx): Exec {
  const rt = cc.rt
  const { file } = cx
  const span = s.span
  let test = expression(cc, s.test, cx)
  if (test.ty.t === 'ptr' || test.ty.t === 'void') test = bad(cc, cx, s.test.span, 'switch quantity not an integer')
  const ty = isInteger(test.ty) ? promote(test.ty) : undefined
  const { execs, labels, cases } = statementList(cc, s.body, cx)
  const table = new Map<bigint, number>()
  let fallback = -1
  for (const { s: c, index } of cases) {
    if (!c.value) {
      if (fallback >= 0) report(cc, 'redefinition', file, c.span, "multiple default labels in one switch")
      fallback = index
      continue
    }
    const v = constant(cc, c.value, file)
    if (!v?.known) continue
    if (typeof v.value !== 'bigint') {
      report(cc, 'invalid', file, c.value.span, 'case label is not an integer constant')
      continue
    }
    const key = ty ? wrapInt(ty, v.value) : v.value
    if (table.has(key)) report(cc, 'redefinition', file, c.value.span, `duplicate case value ${key}`)
    else table.set(key, index)
  }
  const run = runner(cc, execs, labels)
  const ev = test.ev
  const fail = failAt(file, s.test.span)
  return (f) => {
    if (++rt.steps > rt.maxSteps) rt.budget(file, span)
    const v = ev(f)
    if (typeof v !== 'bigint') return fail('switch on a value that is not an integer')
    const i = table.get(v) ?? fallback
    if (i < 0) return NORMAL
    const c = run(f, i)
    return c === BREAK ? NORMAL : c
  }
}
