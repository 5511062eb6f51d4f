/*
 * The interpreter a boot runs a linked policy program in: compiled once at
 * construction, then called by name by the boot driver and by natives, and
 * rebound to the next boot's natives to run the same program again (compiled
 * code reaches natives and machine-dependent constants through slots).
 * Deterministic: the same program, natives and calls give the same results and
 * the same step count, fresh or rebound.
 */
import type { Expr, FunctionDef, InitcallDecl, Program } from './ast'
import { Compiler } from './compile'
import { converter } from './operators'
import { type Eval, type Limits, type Locals, type ReadHook, Runtime, type StatementHook, type WriteHook, policyError } from './runtime'
import { type CValue, type Diagnostic, type Frame, type NativeTable, PolicyError } from './value'

export class Interpreter {
  private readonly rt: Runtime

  /** Kept by a debugger's interpreter, for its watch expressions; the natives it binds are that boot's. */
  private readonly compiler: Compiler | undefined

  /** The initcalls the linked program registers (`arch_initcall(fn);` ...), for the boot to run at their levels. */
  readonly initcalls: readonly InitcallDecl[]

  /**
   * Throws PolicyError if a global's initial value cannot be computed. With
   * `onStatement` (a debug boot) every statement reports to it before it runs;
   * without, the compiled closures are the same as ever.
   */
  constructor(program: Program, natives: NativeTable, limits: Limits = {}, onStatement?: StatementHook) {
    this.initcalls = program.initcalls ?? []
    this.rt = new Runtime(natives, limits)
    this.rt.onStatement = onStatement
    const compiler = new Compiler(program, natives, this.rt)
    compiler.compileAll()
    this.rt.steps = 0
    this.initialValues = [...this.rt.globals.values()].map((cell) => cell.value)
    this.compiler = onStatement ? compiler : undefined
  }

  /** The globals' values before the first statement, for the next run (rebind). */
  private readonly initialValues: CValue[]

  /**
   * Done with this run: let go of its kernel (its natives, the values its
   * globals and last return hold), so an idle interpreter keeps only its
   * program's compiled code. The globals go back to their initial values.
   */
  release(): void {
    this.rt.release()
    let i = 0
    for (const cell of this.rt.globals.values()) cell.value = this.initialValues[i++]
  }

  /**
   * Make this interpreter ready to run its program again, for another boot:
   * the same compiled closures against `natives` (another kernel's), the
   * globals at their initial values, no steps taken, no frames. False when
   * the compiled code does not fit the new natives (a constant folded into it
   * differs) or this is a debugger's interpreter (its statements report to
   * its session): build a new one.
   */
  rebind(natives: NativeTable, limits: Limits = {}): boolean {
    if (this.compiler) return false
    this.release()
    return this.rt.rebind(natives, limits)
  }

  /**
   * Compile a debugger's expression against this running program, in the scope
   * of `fn`'s locals (names already bound to its slots) or of the globals alone.
   * Returns its diagnostics instead when it does not compile.
   */
  debugExpression(e: Expr, file: string, fn: FunctionDef | undefined): Eval | Diagnostic[] {
    const compiler = this.compiler
    if (!compiler) throw new Error('debugger expressions need an interpreter built with a statement hook')
    const before = compiler.diagnostics.length
    const ev = compiler.debugExpression(e, file, fn)
    const problems = compiler.diagnostics.splice(before)
    return problems.length ? problems : ev
  }

  /**
   * Evaluate a debugger's expression in a frame. Its steps are not charged to
   * the boot's budget (the debugger looks, the boot does not run further).
   */
  evaluate(ev: Eval, locals: Locals): CValue {
    const steps = this.rt.steps
    try {
      return ev(locals)
    } finally {
      this.rt.steps = steps
    }
  }

  /** The names of the linked program's globals, in definition order. */
  globalNames(): string[] {
    return [...this.rt.globals.keys()]
  }

  /** Call a policy function (or, when the policy has none of that name, a native). */
  call(name: string, args: CValue[]): CValue {
    try {
      return this.rt.callByName(name, args, undefined)
    } catch (e) {
      // Deep nesting inside deep recursion can exhaust the JS stack before the depth limit.
      if (e instanceof RangeError) throw this.rt.error(undefined, 'the policy nests too deeply to run')
      throw e
    }
  }

  /** A PolicyError at the policy's innermost call expression: for natives and the kernel stopping a policy. */
  error(message: string, code: Diagnostic['code'] = 'runtime'): PolicyError {
    const e = this.rt.error(undefined, message)
    return code === 'runtime' ? e : new PolicyError({ ...e.diagnostic, code })
  }

  /** True when the linked policy (learner's file or base kernel) defines `name`. */
  defines(name: string): boolean {
    return this.rt.functions.has(name)
  }

  getGlobal(name: string): CValue {
    return this.rt.global(name)
  }

  /** Set a global from the kernel side (no hooks), converted to its declared type. */
  setGlobal(name: string, v: CValue): void {
    const cell = this.rt.globals.get(name)
    if (!cell) throw this.rt.error(undefined, `no policy global named '${name}'`)
    cell.value = converter(cell.def.ty)(v, (m) => {
      throw policyError('runtime', cell.def.file, cell.def.nameSpan, `setting '${name}': ${m}`)
    })
  }

  globalInfo(name: string): { type: string; annotations: string[] } | undefined {
    const def = this.rt.globals.get(name)?.def
    return def && { type: def.ty.name, annotations: [...def.annotations] }
  }

  functionInfo(name: string): { annotations: string[]; line: number; file: string } | undefined {
    const def = this.rt.functions.get(name)?.def
    return def && { annotations: [...def.annotations], line: def.span.line, file: def.file }
  }

  /** Statements and expressions evaluated so far, across every call. */
  get steps(): number {
    return this.rt.steps
  }

  /** How many frames the call stack holds (cheap: a native frame is entered thousands of times per boot). */
  get depth(): number {
    return this.rt.depth
  }

  /** The call stack, outermost first, policy and native frames. */
  stack(): readonly Frame[] {
    return this.rt.stack()
  }

  /** Called before a script writes a global (the kernel models __ro_after_init with it). */
  get onGlobalWrite(): WriteHook | undefined {
    return this.rt.onGlobalWrite
  }
  set onGlobalWrite(hook: WriteHook | undefined) {
    this.rt.onGlobalWrite = hook
  }

  /** Called before a script reads a global (the kernel models __initdata after free_initmem with it). */
  get onGlobalRead(): ReadHook | undefined {
    return this.rt.onGlobalRead
  }
  set onGlobalRead(hook: ReadHook | undefined) {
    this.rt.onGlobalRead = hook
  }
}
