/*
 * Linked program → JavaScript closures, and the semantic checks that need the
 * whole linked program (base kernel + learner's file + natives).
 *
 * Each AST node becomes one closure over its children, with its static C type
 * worked out once here: operators are chosen by type (operators.ts), names are
 * bound to a frame slot, a global's cell, a `#define`'s value or a native
 * constant, and calls to the callee. Running a policy is then calling
 * closures, with no lookups by name and no type dispatch on the hot path.
 *
 * Problems found here are diagnostics (unknown names, arity, assigning a
 * constant, a void value used, a non-constant initializer); the closure for the
 * offending node throws a runtime PolicyError if it is ever run. Every
 * expression evaluated and statement executed counts one step; statements
 * check the budget.
 */
import type { DefineDef, Expr, FunctionDef, GlobalDef, LValue, Program, Span, Stmt } from './ast'
import { type CType, T_DYN, T_INT, T_SIZE, T_VOID, isInteger, pointerTo, promote, sizeOf, wrapInt } from './ctype'
import { type Fail, binaryOp, conditionalType, converter, truthy, unaryOp } from './operators'
import { BREAK, type CompiledFunction, CONTINUE, type Eval, type Exec, GOTO, type Locals, NORMAL, RETURN, type Runtime, type Site, type StatementSite, policyError } from './runtime'
import { type CValue, type Diagnostic, type NativeTable, PolicyError, type SourcePos, isHandle } from './value'
import { closestName } from './suggest'

/** Where an expression is compiled: which file, which function, and whether it must be constant. */
interface Cx {
  file: string
  fn: FunctionDef | undefined
  /** Global initializers, `#define` values and case labels: no variables, no calls. */
  constant: boolean
}

/** A compiled expression: its closure and its static C type. */
interface C {
  ev: Eval
  ty: CType
}

/** A constant expression's value; `known` is false when it depends on a native constant while only checking. */
interface ConstValue {
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
type Binding =
  | { k: 'define'; value: CValue; ty: CType; known: boolean }
  | { k: 'global'; def: GlobalDef }
  | { k: 'constant'; value: bigint }
  | { k: 'object' }
  | { k: 'function' }
  | { k: 'broken' }
  | { k: 'unknown' }

const EMPTY_FRAME: Locals = []

export class Compiler {
  readonly diagnostics: Diagnostic[] = []
  private readonly fns = new Map<string, FunctionDef>()
  private readonly globals = new Map<string, GlobalDef>()
  private readonly defines = new Map<string, DefineDef>()
  /** Evaluated `#define`s; null for one whose value has an error. */
  private readonly defineValues = new Map<string, ConstValue | null>()
  /** `#define`s being evaluated now: meeting one again is a cycle. */
  private readonly evaluating = new Set<string>()

  private readonly known: ReadonlySet<string>
  private readonly checkOnly: boolean
  /** Set when the constant expression being compiled reads a native constant. */
  private usesNative = false

  constructor(
    program: Program,
    private readonly natives: NativeTable,
    private readonly rt: Runtime,
    options: CompilerOptions = {},
  ) {
    this.known = options.known ?? new Set()
    this.checkOnly = options.checkOnly ?? false
    for (const f of program.functions) this.fns.set(f.name, f)
    for (const d of program.defines) this.defines.set(d.name, d)
    for (const g of program.globals) {
      this.globals.set(g.name, g)
      rt.globals.set(g.name, { def: g, value: 0n })
    }
  }

  /** Compile every function and give every global its initial value: what an interpreter starts from. */
  compileAll(): void {
    for (const def of this.fns.values()) this.rt.functions.set(def.name, this.function(def))
    for (const cell of this.rt.globals.values()) {
      const v = this.initialValue(cell.def)
      if (v === undefined) throw new PolicyError(this.diagnostics[this.diagnostics.length - 1])
      cell.value = v
    }
  }

  /**
   * A debugger's expression (a watch, a breakpoint condition), compiled in the
   * scope of `fn` (its locals already bound to `fn`'s slots) or of the globals
   * alone. Problems are in `diagnostics`; the closure then throws if run.
   */
  debugExpression(e: Expr, file: string, fn: FunctionDef | undefined): Eval {
    return this.expr(e, { file, fn, constant: false }).ev
  }

  /** Compile one file's own items against the linked program, for their diagnostics. */
  checkFile(own: Program): void {
    for (const def of own.functions) this.function(def)
    for (const g of own.globals) this.initialValue(g)
    for (const d of own.defines) this.defineValue(d)
    for (const x of own.externs) {
      if (!this.globals.has(x.name) && !this.known.has(x.name)) this.report('unknown-identifier', x.file, x.span, `'${x.name}' is declared extern but no global of that name is defined`)
    }
  }

  private report(code: Diagnostic['code'], file: string, span: Span, message: string): void {
    this.diagnostics.push({ severity: 'error', code, message, file, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn })
  }

  private failAt(file: string, span: Span): Fail {
    return (message) => {
      throw policyError('runtime', file, span, message)
    }
  }

  /** A node that cannot run: report it (unless `message` is empty: already reported) and throw if reached. */
  private bad(cx: Cx, span: Span, message: string, code: Diagnostic['code'] = 'invalid', ty: CType = T_DYN): C {
    if (message) this.report(code, cx.file, span, message)
    const fail = this.failAt(cx.file, span)
    const text = message || 'this code has an error and cannot run'
    return { ev: () => fail(text), ty }
  }

  /** Evaluate a constant expression now; undefined (with a diagnostic) if it is not one or fails. */
  private constant(e: Expr, file: string): ConstValue | undefined {
    const before = this.diagnostics.length
    const outer = this.usesNative
    this.usesNative = false
    const c = this.expr(e, { file, fn: undefined, constant: true })
    const usesNative = this.usesNative
    this.usesNative ||= outer
    if (this.diagnostics.length > before) return undefined
    if (usesNative && this.checkOnly) return { value: 0n, ty: c.ty, known: false }
    try {
      return { value: c.ev(EMPTY_FRAME), ty: c.ty, known: true }
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err
      this.diagnostics.push({ ...err.diagnostic, code: 'invalid' })
      return undefined
    }
  }

  private initialValue(g: GlobalDef): CValue | undefined {
    if (!g.init) return 0n
    const c = this.constant(g.init, g.file)
    if (!c) return undefined
    if (!c.known) return 0n
    try {
      return converter(g.ty)(c.value, this.failAt(g.file, g.init.span))
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err
      this.diagnostics.push({ ...err.diagnostic, code: 'invalid' })
      return undefined
    }
  }

  private defineValue(d: DefineDef): ConstValue | null | 'cycle' {
    if (this.evaluating.has(d.name)) return 'cycle'
    if (this.defineValues.has(d.name)) return this.defineValues.get(d.name)!
    this.evaluating.add(d.name)
    const v = this.constant(d.value, d.file) ?? null
    this.evaluating.delete(d.name)
    this.defineValues.set(d.name, v)
    return v
  }

  private bind(name: string, file: string, span: Span): Binding {
    const d = this.defines.get(name)
    if (d) {
      const v = this.defineValue(d)
      if (v === 'cycle') this.report('invalid', file, span, `#define '${name}' refers to itself`)
      if (!v || v === 'cycle') return { k: 'broken' }
      this.usesNative ||= !v.known
      return { k: 'define', ...v }
    }
    const g = this.globals.get(name)
    if (g) return { k: 'global', def: g }
    const c = this.natives.constants.get(name)
    if (c) {
      this.usesNative = true
      return { k: 'constant', value: c.value }
    }
    if (this.natives.objects?.has(name)) return { k: 'object' }
    if (this.fns.has(name) || this.natives.functions.has(name)) return { k: 'function' }
    if (this.known.has(name)) return { k: 'broken' }
    return { k: 'unknown' }
  }

  // ---- functions and statements ------------------------------------------------------------

  private function(def: FunctionDef): CompiledFunction {
    const cx: Cx = { file: def.file, fn: def, constant: false }
    return { def, body: this.stmt(def.body, cx), params: def.locals.slice(0, def.params).map((l) => converter(l.ty)) }
  }

  /** Compile a statement list; labels and case markers become no-op entries at their index. */
  private seq(stmts: Stmt[], cx: Cx): { execs: Exec[]; labels: Map<string, number>; cases: { s: Extract<Stmt, { k: 'case' }>; index: number }[] } {
    const execs: Exec[] = []
    const labels = new Map<string, number>()
    const cases: { s: Extract<Stmt, { k: 'case' }>; index: number }[] = []
    for (const s of stmts) {
      if (s.k === 'label') labels.set(s.name, execs.length)
      if (s.k === 'case') cases.push({ s, index: execs.length })
      execs.push(s.k === 'label' || s.k === 'case' ? () => NORMAL : this.stmt(s, cx))
    }
    return { execs, labels, cases }
  }

  /** Run statements from `start`; a `goto` to one of this list's labels continues there. */
  private runner(execs: Exec[], labels: Map<string, number>): (f: Locals, start: number) => number {
    const rt = this.rt
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
  private stmt(s: Stmt, cx: Cx): Exec {
    const exec = this.stmtExec(s, cx)
    const hook = this.rt.onStatement
    if (hook === undefined || !cx.fn || s.k === 'block' || s.k === 'label' || s.k === 'case' || s.k === 'empty' || s.k === 'extern') return exec
    const rt = this.rt
    const site: StatementSite = { file: cx.file, line: s.span.line, fn: cx.fn, stmt: s }
    return (f) => {
      hook(site, f, rt.depth)
      return exec(f)
    }
  }

  private stmtExec(s: Stmt, cx: Cx): Exec {
    const rt = this.rt
    const file = cx.file
    const span = s.span
    switch (s.k) {
      case 'block': {
        const { execs, labels } = this.seq(s.body, cx)
        const run = this.runner(execs, labels)
        return (f) => {
          if (++rt.steps > rt.maxSteps) rt.budget(file, span)
          return run(f, 0)
        }
      }
      case 'decl': {
        const vars = s.vars.map((v) => {
          const init = v.init && this.expr(v.init, cx)
          if (init?.ty.t === 'void') this.report('invalid', file, v.init!.span, 'void value not ignored as it ought to be')
          return { slot: v.slot, init: init?.ev, conv: converter(v.ty), fail: this.failAt(file, v.init?.span ?? v.span) }
        })
        return (f) => {
          if (++rt.steps > rt.maxSteps) rt.budget(file, span)
          for (const v of vars) f[v.slot] = v.init ? v.conv(v.init(f), v.fail) : undefined
          return NORMAL
        }
      }
      case 'extern':
        if (this.bind(s.name, file, span).k !== 'global' && !this.known.has(s.name)) {
          this.report('unknown-identifier', file, span, `'${s.name}' is declared extern but no global of that name is defined`)
        }
        return () => NORMAL
      case 'expr': {
        const e = this.expr(s.expr, cx, false).ev
        return (f) => {
          if (++rt.steps > rt.maxSteps) rt.budget(file, span)
          e(f)
          return NORMAL
        }
      }
      case 'if': {
        const test = this.condition(s.test, cx)
        const then = this.stmt(s.then, cx)
        const otherwise = s.else && this.stmt(s.else, cx)
        return (f) => {
          if (++rt.steps > rt.maxSteps) rt.budget(file, span)
          if (truthy(test(f))) return then(f)
          return otherwise ? otherwise(f) : NORMAL
        }
      }
      case 'while': {
        const test = this.condition(s.test, cx)
        const body = this.stmt(s.body, cx)
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
        const test = this.condition(s.test, cx)
        const body = this.stmt(s.body, cx)
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
        const init = s.init && this.stmt(s.init, cx)
        const test = s.test && this.condition(s.test, cx)
        const update = s.update && this.expr(s.update, cx, false).ev
        const body = this.stmt(s.body, cx)
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
        const value = s.value && this.expr(s.value, cx, ret.t !== 'void')
        if (value?.ty.t === 'void' && ret.t !== 'void') this.report('invalid', file, s.value!.span, 'void value not ignored as it ought to be')
        // `return g();` with g void is accepted in a void function, as GCC does.
        if (value && value.ty.t !== 'void' && ret.t === 'void') this.report('invalid', file, span, "'return' with a value in a function returning void")
        const ev = value?.ev
        const conv = converter(ret)
        const fail = this.failAt(file, s.value?.span ?? span)
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
        return this.switchStmt(s, cx)
      case 'label':
      case 'case':
      case 'empty':
        return () => {
          if (++rt.steps > rt.maxSteps) rt.budget(file, span)
          return NORMAL
        }
    }
  }

  private switchStmt(s: Extract<Stmt, { k: 'switch' }>, cx: Cx): Exec {
    const rt = this.rt
    const { file } = cx
    const span = s.span
    let test = this.expr(s.test, cx)
    if (test.ty.t === 'ptr' || test.ty.t === 'void') test = this.bad(cx, s.test.span, 'switch quantity not an integer')
    const ty = isInteger(test.ty) ? promote(test.ty) : undefined
    const { execs, labels, cases } = this.seq(s.body, cx)
    const table = new Map<bigint, number>()
    let fallback = -1
    for (const { s: c, index } of cases) {
      if (!c.value) {
        if (fallback >= 0) this.report('redefinition', file, c.span, "multiple default labels in one switch")
        fallback = index
        continue
      }
      const v = this.constant(c.value, file)
      if (!v?.known) continue
      if (typeof v.value !== 'bigint') {
        this.report('invalid', file, c.value.span, 'case label is not an integer constant')
        continue
      }
      const key = ty ? wrapInt(ty, v.value) : v.value
      if (table.has(key)) this.report('redefinition', file, c.value.span, `duplicate case value ${key}`)
      else table.set(key, index)
    }
    const run = this.runner(execs, labels)
    const ev = test.ev
    const fail = this.failAt(file, s.test.span)
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

  /** A controlling expression (if/while/for/?:): any scalar, not void. */
  private condition(e: Expr, cx: Cx): Eval {
    const c = this.expr(e, cx)
    return c.ty.t === 'void' ? this.bad(cx, e.span, 'void value not ignored as it ought to be').ev : c.ev
  }

  // ---- expressions -----------------------------------------------------------------------

  /** `used`: false where the value is discarded (expression statements, the left of a comma). */
  private expr(e: Expr, cx: Cx, used = true): C {
    const rt = this.rt
    const span = e.span
    switch (e.k) {
      case 'num':
      case 'str': {
        const value = e.value
        const ty = e.k === 'num' ? e.ty : pointerTo({ name: 'char', size: 1 })
        return {
          ev: () => {
            rt.steps++
            return value
          },
          ty,
        }
      }
      case 'name':
        return this.name(e, cx)
      case 'field': {
        const object = this.expr(e.object, cx).ev
        const name = e.field
        const fail = this.failAt(cx.file, span)
        return {
          ev: (f) => {
            rt.steps++
            return readField(object(f), name, fail)
          },
          ty: T_DYN,
        }
      }
      case 'unary': {
        const arg = this.expr(e.arg, cx)
        const op = unaryOp(e.op, arg.ty, this.failAt(cx.file, span))
        if (typeof op === 'string') return this.bad(cx, span, op)
        const a = arg.ev
        const fn = op.fn
        return {
          ev: (f) => {
            rt.steps++
            return fn(a(f))
          },
          ty: op.ty,
        }
      }
      case 'addr':
        return this.addressOf(e.name, cx, span)
      case 'binary': {
        const l = this.expr(e.left, cx)
        const r = this.expr(e.right, cx)
        const op = binaryOp(e.op, l.ty, r.ty, this.failAt(cx.file, span))
        if (typeof op === 'string') return this.bad(cx, span, op)
        const [a, b, fn] = [l.ev, r.ev, op.fn]
        return {
          ev: (f) => {
            rt.steps++
            return fn(a(f), b(f))
          },
          ty: op.ty,
        }
      }
      case 'logical': {
        const a = this.condition(e.left, cx)
        const b = this.condition(e.right, cx)
        const and = e.op === '&&'
        return {
          ev: (f) => {
            rt.steps++
            return (and ? truthy(a(f)) && truthy(b(f)) : truthy(a(f)) || truthy(b(f))) ? 1n : 0n
          },
          ty: T_INT,
        }
      }
      case 'cond': {
        const test = this.condition(e.test, cx)
        const a = this.expr(e.then, cx, used)
        const b = this.expr(e.else, cx, used)
        const ty = conditionalType(a.ty, b.ty)
        if (typeof ty === 'string') return this.bad(cx, span, ty)
        const conv = isInteger(ty) ? converter(ty) : (v: CValue) => v
        const fail = this.failAt(cx.file, span)
        const [x, y] = [a.ev, b.ev]
        return {
          ev: (f) => {
            rt.steps++
            return conv(truthy(test(f)) ? x(f) : y(f), fail)
          },
          ty,
        }
      }
      case 'assign':
      case 'update':
        return this.store(e, cx)
      case 'cast':
        return this.cast(e.ty, this.expr(e.arg, cx, e.ty.t !== 'void'), cx, span)
      case 'sizeof':
        return this.literal(BigInt(sizeOf(e.ty)), T_SIZE)
      case 'sizeof-expr': {
        const ty = this.expr(e.arg, cx).ty
        if (ty.t === 'void') return this.bad(cx, span, "invalid application of 'sizeof' to a void type")
        return this.literal(BigInt(sizeOf(ty)), T_SIZE)
      }
      case 'comma': {
        const a = this.expr(e.left, cx, false).ev
        const b = this.expr(e.right, cx, used)
        const ev = b.ev
        return {
          ev: (f) => {
            rt.steps++
            a(f)
            return ev(f)
          },
          ty: b.ty,
        }
      }
      case 'call':
        return this.call(e, cx, used)
      case 'bad':
        return this.bad(cx, span, '')
    }
  }

  private literal(value: CValue, ty: CType): C {
    const rt = this.rt
    return {
      ev: () => {
        rt.steps++
        return value
      },
      ty,
    }
  }

  private name(e: Extract<Expr, { k: 'name' }>, cx: Cx): C {
    const rt = this.rt
    const { span, name } = e
    if (e.slot >= 0 && cx.fn) {
      const slot = e.slot
      const fail = this.failAt(cx.file, span)
      return {
        ev: (f) => {
          rt.steps++
          const v = f[slot]
          return v === undefined ? fail(`'${name}' is used uninitialised`) : v
        },
        ty: cx.fn.locals[slot].ty,
      }
    }
    const b = this.bind(name, cx.file, span)
    switch (b.k) {
      case 'define':
        return this.literal(b.value, b.ty)
      case 'constant':
        return this.literal(b.value, T_DYN)
      case 'global': {
        if (cx.constant) return this.bad(cx, span, `initializer element is not constant ('${name}' is a variable)`)
        const cell = rt.globals.get(name)!
        const pos = sourcePos(cx.file, span)
        return {
          ev: () => {
            rt.steps++
            const hook = rt.onGlobalRead
            if (hook !== undefined) hook(name, pos)
            return cell.value
          },
          ty: b.def.ty,
        }
      }
      case 'object':
        return this.bad(cx, span, `'${name}' is a kernel object: use '&${name}'`)
      case 'function':
        return this.bad(cx, span, `function '${name}' used as a value: function pointers are not supported`, 'unsupported')
      case 'broken':
        return this.bad(cx, span, '')
      case 'unknown':
        return this.bad(cx, span, `'${name}' undeclared (not a local, a global, a #define or a kernel constant)`, 'unknown-identifier')
    }
  }

  private addressOf(name: string, cx: Cx, span: Span): C {
    const b = this.bind(name, cx.file, span)
    if (b.k === 'unknown') return this.bad(cx, span, `'${name}' undeclared (not a global or a kernel object)`, 'unknown-identifier')
    if (b.k === 'broken') return this.bad(cx, span, '')
    if (b.k === 'function') return this.bad(cx, span, 'function pointers are not supported', 'unsupported')
    if (b.k !== 'global' && b.k !== 'object') return this.bad(cx, span, `cannot take the address of constant '${name}'`)
    const ref = this.rt.ref(name)
    return this.literal(ref, b.k === 'global' ? pointerTo(b.def.ty) : pointerTo(T_VOID))
  }

  private cast(ty: CType, arg: C, cx: Cx, span: Span): C {
    const rt = this.rt
    const a = arg.ev
    if (ty.t === 'void') {
      return {
        ev: (f) => {
          rt.steps++
          a(f)
          return 0n
        },
        ty,
      }
    }
    if (arg.ty.t === 'void') return this.bad(cx, span, 'void value not ignored as it ought to be')
    const conv = converter(ty)
    const fail = this.failAt(cx.file, span)
    return {
      ev: (f) => {
        rt.steps++
        return conv(a(f), fail)
      },
      ty,
    }
  }

  private call(e: Extract<Expr, { k: 'call' }>, cx: Cx, used: boolean): C {
    const rt = this.rt
    const { callee, span } = e
    const args = e.args.map((a) => {
      const c = this.expr(a, cx)
      return c.ty.t === 'void' ? this.bad(cx, a.span, 'void value not ignored as it ought to be').ev : c.ev
    })
    const n = args.length
    if (cx.constant) return this.bad(cx, span, 'initializer element is not constant (a function call)')
    const site: Site = { file: cx.file, span }
    const def = this.fns.get(callee)
    const native = def ? undefined : this.natives.functions.get(callee)
    const evalArgs = (f: Locals): CValue[] => {
      const vals = new Array<CValue>(n)
      for (let i = 0; i < n; i++) vals[i] = args[i](f)
      return vals
    }
    if (def) {
      if (n !== def.params) return this.bad(cx, span, `${n < def.params ? 'too few' : 'too many'} arguments to function '${callee}' (it takes ${def.params}, given ${n})`, 'arity', def.ret)
      if (used && def.ret.t === 'void') return this.bad(cx, span, `void value not ignored as it ought to be ('${callee}' returns void)`)
      let target: CompiledFunction | undefined
      return {
        ev: (f) => {
          rt.steps++
          const vals = evalArgs(f)
          target ??= rt.functions.get(callee)
          if (!target) throw policyError('runtime', site.file, span, `'${callee}' is not compiled`)
          return rt.callPolicy(target, vals, site)
        },
        ty: def.ret,
      }
    }
    if (native) {
      const a = native.arity
      if (typeof a === 'number' ? n !== a : n < a.min) {
        const want = typeof a === 'number' ? `${a}` : `at least ${a.min}`
        return this.bad(cx, span, `${typeof a === 'number' && n > a ? 'too many' : 'too few'} arguments to function '${callee}' (it takes ${want}, given ${n})`, 'arity')
      }
      const fail = this.failAt(cx.file, span)
      return {
        ev: (f) => {
          rt.steps++
          const r = rt.callNative(native, evalArgs(f), site)
          if (r !== undefined) return r
          return used ? fail(`'${callee}' returned no value`) : 0n
        },
        ty: T_DYN,
      }
    }
    const b = this.bind(callee, cx.file, e.calleeSpan)
    if (b.k === 'broken') return this.bad(cx, span, '')
    if (b.k !== 'unknown') return this.bad(cx, e.calleeSpan, `called object '${callee}' is not a function`)
    const near = closestName(callee, [...this.fns.keys(), ...this.natives.functions.keys()])
    return this.bad(cx, e.calleeSpan, `unknown function '${callee}' (not defined in the policy, the base kernel or the natives)${near ? `; did you mean '${near}'?` : ''}`, 'unknown-function')
  }

  /** Assignment, compound assignment, ++ and --. */
  private store(e: Extract<Expr, { k: 'assign' | 'update' }>, cx: Cx): C {
    const { span, target } = e
    if (cx.constant) return this.bad(cx, span, 'initializer element is not constant (an assignment)')
    const loc = this.location(target, cx)
    if (!loc) return this.bad(cx, span, '')
    if ('error' in loc) return this.bad(cx, target.span, loc.error)
    const fail = this.failAt(cx.file, span)
    // x op= v is x = (T)(x op v); ++x is x += 1.
    const op = e.k === 'update' ? (e.op === '++' ? '+' : '-') : e.op === '=' ? undefined : (e.op.slice(0, -1) as Parameters<typeof binaryOp>[0])
    // The 1 of ++/-- is part of the operator, not an expression of its own (no step).
    const value: C = e.k === 'update' ? { ev: () => 1n, ty: T_INT } : this.expr(e.value, cx)
    if (value.ty.t === 'void') return this.bad(cx, e.k === 'assign' ? e.value.span : span, 'void value not ignored as it ought to be')
    let combine: ((old: CValue, v: CValue) => CValue) | undefined
    if (op) {
      const bin = binaryOp(op, loc.ty, value.ty, fail)
      if (typeof bin === 'string') return this.bad(cx, span, bin)
      combine = bin.fn
    }
    const conv = converter(loc.ty)
    const v = value.ev
    const { object, read, write } = loc
    const rt = this.rt
    const postfix = e.k === 'update' && !e.prefix
    return {
      ev: (f) => {
        rt.steps++
        const o = object ? object(f) : 0n
        const old = combine || postfix ? read(f, o) : undefined
        const next = conv(combine ? combine(old!, v(f)) : v(f), fail)
        write(f, o, next)
        return postfix ? old! : next
      },
      ty: loc.ty,
    }
  }

  /**
   * Where an lvalue lives: its type, and how to read and write it. For `h->f`,
   * `object` evaluates `h` once per store and read/write get its value as `o`.
   */
  private location(t: LValue, cx: Cx): Location | { error: string } | undefined {
    const rt = this.rt
    const fail = this.failAt(cx.file, t.span)
    if (t.k === 'field') {
      const name = t.field
      return {
        ty: T_DYN,
        object: this.expr(t.object, cx).ev,
        read: (_f, o) => readField(o, name, fail),
        write: (_f, o, v) => writeField(o, name, v, fail),
      }
    }
    const name = t.name
    if (t.slot >= 0 && cx.fn) {
      const local = cx.fn.locals[t.slot]
      if (local.isConst) return { error: `assignment of read-only variable '${name}'` }
      const slot = t.slot
      return {
        ty: local.ty,
        read: (f) => {
          const v = f[slot]
          return v === undefined ? fail(`'${name}' is used uninitialised`) : v
        },
        write: (f, _o, v) => {
          f[slot] = v
        },
      }
    }
    const b = this.bind(name, cx.file, t.span)
    switch (b.k) {
      case 'global': {
        if (b.def.isConst) return { error: `assignment of read-only variable '${name}'` }
        const cell = rt.globals.get(name)!
        const pos = sourcePos(cx.file, t.span)
        return {
          ty: b.def.ty,
          read: () => {
            const hook = rt.onGlobalRead
            if (hook !== undefined) hook(name, pos)
            return cell.value
          },
          write: (_f, _o, v) => {
            const hook = rt.onGlobalWrite
            if (hook !== undefined) hook(name, v, pos)
            cell.value = v
          },
        }
      }
      case 'define':
      case 'constant':
        return { error: `cannot assign to constant '${name}'` }
      case 'object':
      case 'function':
        return { error: `'${name}' is not assignable` }
      case 'broken':
        return undefined
      case 'unknown':
        this.report('unknown-identifier', cx.file, t.span, `'${name}' undeclared (not a local, a global, a #define or a kernel constant)`)
        return undefined
    }
  }
}

interface Location {
  ty: CType
  object?: Eval
  read: (f: Locals, o: CValue) => CValue
  write: (f: Locals, o: CValue, v: CValue) => void
}

const sourcePos = (file: string, span: Span): SourcePos => Object.freeze({ file, line: span.line, column: span.column })

/** `h->name`: only a field the Handle declares (own property, so never `__proto__`). */
function readField(h: CValue, name: string, fail: Fail): CValue {
  if (!isHandle(h)) return fail(`'->${name}' on ${typeof h === 'string' ? 'a string' : 'an integer'}: only kernel handles have fields`)
  const fields = h.fields
  if (fields === undefined || !Object.hasOwn(fields, name)) return fail(`handle '${h.handle}' has no field '${name}'`)
  const v = fields[name]
  return typeof v === 'bigint' ? v : fail(`field '${name}' of handle '${h.handle}' is not an integer`)
}

function writeField(h: CValue, name: string, v: CValue, fail: Fail): void {
  readField(h, name, fail)
  const handle = h as Exclude<CValue, bigint | string>
  if (!handle.writable?.includes(name)) fail(`field '${name}' of handle '${handle.handle}' is read-only`)
  if (typeof v !== 'bigint') fail(`cannot store a ${typeof v === 'string' ? 'string' : 'handle'} in field '${name}'`)
  // A kernel struct field is at most 64 bits; wrapping keeps kernel values (exact, unbounded) from growing across stores.
  handle.fields![name] = BigInt.asIntN(64, v)
}
