/*
 * The state a running policy shares across every call: one step budget, one
 * call stack (policy and native frames interleaved), the globals, and the way
 * in and out of natives. Natives re-enter through `context.call`, so a page
 * table walker (native) calling `pageattr_pmd_entry` (policy) calling
 * `set_pmd` (native) is one stack, one budget and one depth limit.
 */
import type { FunctionDef, GlobalDef, Span, Stmt } from './ast'
import type { Fail } from './operators'
import { type CValue, type Diagnostic, type Frame, type NativeContext, type NativeFunction, type NativeTable, PolicyError, type RefHandle, type SourcePos } from './value'

/** Completion of a statement: how control leaves it. */
export const NORMAL = 0
export const BREAK = 1
export const CONTINUE = 2
export const RETURN = 3
export const GOTO = 4

/** A function activation's locals by slot; `undefined` is an uninitialised local. */
export type Locals = (CValue | undefined)[]
export type Eval = (f: Locals) => CValue
export type Exec = (f: Locals) => number

/** Where a call expression is, for call traces and for errors about the call. */
export interface Site {
  file: string
  span: Span
}

export interface CompiledFunction {
  def: FunctionDef
  body: Exec
  /** Converts each argument to its parameter's type. */
  params: ((v: CValue, fail: Fail) => CValue)[]
}

export interface GlobalCell {
  def: GlobalDef
  value: CValue
}

export interface Limits {
  /** Statements and expressions a runtime may evaluate in all (default 200 000). */
  maxSteps?: number
  /** Frames on the call stack, policy and native (default 64). */
  maxDepth?: number
}

/** A statement a debugger can stop before: where it is and in which function. */
export interface StatementSite {
  file: string
  line: number
  fn: FunctionDef
  stmt: Stmt
}

/**
 * Called before each statement runs, only in an interpreter built with one (a
 * debug boot): `depth` is the call-stack depth, `locals` the running frame's
 * slots. Statements are counted by the hook itself, apart from the step budget.
 */
export type StatementHook = (site: StatementSite, locals: Locals, depth: number) => void

export type ReadHook = (name: string, pos: SourcePos) => void
export type WriteHook = (name: string, value: CValue, pos: SourcePos) => void

export function policyError(code: Diagnostic['code'], file: string, span: Span, message: string): PolicyError {
  return new PolicyError({ severity: 'error', code, message, file, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn })
}

const DEFAULT_MAX_STEPS = 200_000
const DEFAULT_MAX_DEPTH = 64

/** What a released runtime's natives are until the next run binds its own. */
const UNBOUND: NativeTable = { functions: new Map(), constants: new Map() }
const UNBOUND_NATIVE: NativeFunction = {
  name: '(unbound)',
  arity: { min: 0 },
  file: '',
  doc: '',
  impl: () => {
    throw new Error('a released interpreter called a native: rebind it to a boot first')
  },
}

const validResult = (r: unknown): r is CValue | undefined => r === undefined || typeof r === 'bigint' || typeof r === 'string' || (typeof r === 'object' && r !== null)

export class Runtime {
  steps = 0
  /** Set again for each run (rebind): the budget scales with the machine booted. */
  maxSteps: number
  maxDepth: number
  /** The value of the `return` being executed. */
  ret: CValue = 0n
  /** The label of the `goto` being executed. */
  gotoLabel = ''
  onGlobalRead: ReadHook | undefined
  onGlobalWrite: WriteHook | undefined
  /** Set before compiling to build statements that report to a debugger; never changed afterwards. */
  onStatement: StatementHook | undefined
  readonly functions = new Map<string, CompiledFunction>()
  readonly globals = new Map<string, GlobalCell>()
  private readonly refs = new Map<string, RefHandle>()
  private readonly frames: Frame[] = []
  /** For each native frame on the stack: the policy call expression that led to it. */
  private readonly sites: (Site | undefined)[] = []
  readonly context: NativeContext
  /**
   * The natives the compiled calls reach, by slot: compiled code holds a slot, not
   * the native, so the same closures can run again against another boot's natives.
   */
  readonly nativeFunctions: NativeFunction[] = []
  private readonly nativeSlots = new Map<string, number>()
  /** The native constants compiled code reads at run time, by slot (they depend on the machine). */
  readonly constantValues: bigint[] = []
  private readonly constantSlots = new Map<string, number>()
  /** Native constants folded into compiled code (a `#define`, an initializer, a case label): their values then. */
  private readonly folded = new Map<string, bigint>()

  constructor(
    public natives: NativeTable,
    limits: Limits = {},
  ) {
    this.maxSteps = limits.maxSteps ?? DEFAULT_MAX_STEPS
    this.maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH
    this.context = {
      call: (name, args) => this.callByName(name, args, this.callSite()),
      defines: (name) => this.functions.has(name),
      global: (name) => this.global(name),
      stack: () => this.stack(),
      callSite: () => {
        const s = this.callSite()
        return s && { file: s.file, line: s.span.line, column: s.span.column }
      },
      charge: (steps) => {
        this.steps += steps
        if (this.steps > this.maxSteps) throw this.budgetHere()
      },
    }
  }

  /** The slot of native function `name` (which the natives define). */
  nativeSlot(name: string): number {
    let slot = this.nativeSlots.get(name)
    if (slot === undefined) {
      slot = this.nativeFunctions.push(this.natives.functions.get(name)!) - 1
      this.nativeSlots.set(name, slot)
    }
    return slot
  }

  /** The slot of native constant `name`, read at run time. */
  constantSlot(name: string): number {
    let slot = this.constantSlots.get(name)
    if (slot === undefined) {
      slot = this.constantValues.push(this.natives.constants.get(name)!.value) - 1
      this.constantSlots.set(name, slot)
    }
    return slot
  }

  /** Native constant `name`'s value, folded into compiled code now. */
  fold(name: string): bigint {
    const value = this.natives.constants.get(name)!.value
    this.folded.set(name, value)
    return value
  }

  /**
   * Point the compiled code at another run's natives, with a fresh budget and
   * stack. False when it cannot: a native it calls is missing, or a constant it
   * folded has another value (another machine's PROT_NS_SHARED in a #define).
   */
  rebind(natives: NativeTable, limits: Limits): boolean {
    for (const [name, value] of this.folded) if (natives.constants.get(name)?.value !== value) return false
    for (const [name, slot] of this.nativeSlots) {
      const fn = natives.functions.get(name)
      if (!fn) return false
      this.nativeFunctions[slot] = fn
    }
    for (const [name, slot] of this.constantSlots) {
      const c = natives.constants.get(name)
      if (!c) return false
      this.constantValues[slot] = c.value
    }
    this.natives = natives
    this.maxSteps = limits.maxSteps ?? DEFAULT_MAX_STEPS
    this.maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH
    this.steps = 0
    return true
  }

  /** Let go of the run's natives (they hold its kernel) and of what it left on the stack and in `ret`. */
  release(): void {
    this.natives = UNBOUND
    this.nativeFunctions.fill(UNBOUND_NATIVE)
    this.frames.length = 0
    this.sites.length = 0
    this.ret = 0n
    this.onGlobalRead = undefined
    this.onGlobalWrite = undefined
  }

  /** Thrown by a statement when the budget is spent. */
  budget(file: string, span: Span): never {
    throw policyError('budget', file, span, `step budget of ${this.maxSteps} exceeded: does a loop never end?`)
  }

  /** The budget error where the policy is: its innermost call expression (a native charging for its work). */
  private budgetHere(): PolicyError {
    const e = this.error(undefined, `step budget of ${this.maxSteps} exceeded: does a loop never end?`)
    return new PolicyError({ ...e.diagnostic, code: 'budget' })
  }

  stack(): readonly Frame[] {
    return this.frames.map((f) => ({ ...f }))
  }

  /** Frames on the call stack, policy and native. */
  get depth(): number {
    return this.frames.length
  }

  /** The innermost policy call expression on the stack. */
  callSite(): Site | undefined {
    for (let i = this.sites.length - 1; i >= 0; i--) if (this.sites[i]) return this.sites[i]
    return undefined
  }

  /** `&name`: one RefHandle per name, so two `&x` compare equal. */
  ref(name: string): RefHandle {
    let r = this.refs.get(name)
    if (!r) {
      r = Object.freeze({ handle: 'ref' as const, name, fields: Object.freeze({}) })
      this.refs.set(name, r)
    }
    return r
  }

  global(name: string): CValue {
    const cell = this.globals.get(name)
    if (!cell) throw this.error(undefined, `no policy global named '${name}'`)
    return cell.value
  }

  /** An error at a call site, or where the policy is when a native or the host asked. */
  error(site: Site | undefined, message: string): PolicyError {
    const at = site ?? this.callSite()
    if (at) return policyError('runtime', at.file, at.span, message)
    const frame = [...this.frames].reverse().find((f) => f.origin === 'policy')
    const line = frame?.line ?? 1
    return policyError('runtime', frame?.file ?? '<kernel>', { line, column: 1, endLine: line, endColumn: 1 }, message)
  }

  /** Call by name: the policy's definition wins over a native of the same name. */
  callByName(name: string, args: CValue[], site: Site | undefined): CValue {
    const fn = this.functions.get(name)
    if (fn) return this.callPolicy(fn, args, site)
    const native = this.natives.functions.get(name)
    if (!native) throw this.error(site, `no function named '${name}' in the policy or the kernel`)
    const r = this.callNative(native, args, site)
    return r === undefined ? 0n : r
  }

  private enter(frame: Frame, site: Site | undefined): void {
    if (this.frames.length >= this.maxDepth) throw this.error(site, `call depth limit of ${this.maxDepth} exceeded calling '${frame.fn}': unbounded recursion?`)
    const caller = this.frames[this.frames.length - 1]
    if (site && caller?.origin === 'policy') caller.line = site.span.line
    this.frames.push(frame)
  }

  callPolicy(fn: CompiledFunction, args: CValue[], site: Site | undefined): CValue {
    const def = fn.def
    const at: Site = site ?? { file: def.file, span: def.nameSpan }
    if (args.length !== def.params) throw this.error(at, `'${def.name}' takes ${def.params} argument${def.params === 1 ? '' : 's'}, called with ${args.length}`)
    const locals: Locals = new Array(def.locals.length)
    for (let i = 0; i < args.length; i++) {
      locals[i] = fn.params[i](args[i], (m) => {
        throw this.error(at, `argument ${i + 1} of '${def.name}': ${m}`)
      })
    }
    this.enter({ fn: def.name, origin: 'policy', file: def.file, line: def.span.line }, site)
    try {
      if (fn.body(locals) === RETURN) return this.ret
      if (def.ret.t === 'void') return 0n
      const end = def.body.span
      throw policyError('runtime', def.file, { line: end.endLine, column: end.endColumn - 1, endLine: end.endLine, endColumn: end.endColumn }, `control reached the end of non-void function '${def.name}' without a return`)
    } finally {
      this.frames.pop()
    }
  }

  /** Run a native with a kernel frame on the stack; `undefined` when it returned nothing. */
  callNative(native: NativeFunction, args: CValue[], site: Site | undefined): CValue | undefined {
    const a = native.arity
    if (typeof a === 'number' ? args.length !== a : args.length < a.min) {
      throw this.error(site, `'${native.name}' takes ${typeof a === 'number' ? a : `at least ${a.min}`} arguments, called with ${args.length}`)
    }
    this.enter({ fn: native.name, origin: 'kernel', file: native.file }, site)
    this.sites.push(site)
    let r: unknown
    try {
      r = native.impl(this.context, args)
    } finally {
      this.frames.pop()
      this.sites.pop()
    }
    if (!validResult(r)) throw this.error(site, `native '${native.name}' returned ${typeof r}, not a C value`)
    return r
  }
}
