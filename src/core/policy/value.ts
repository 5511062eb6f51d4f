/*
 * Values a policy script computes with, and the contract between the policy
 * interpreter and the native (TypeScript) half of the simulated kernel.
 *
 * C integers of every width (int, bool, unsigned long, phys_addr_t, pmd_t
 * descriptors, pointers used as addresses) are bigint: a 64-bit descriptor or a
 * 0xffff... kernel VA is exact, and the interpreter wraps a value to its declared
 * type on every store. Strings exist only as literals (format strings, WARN
 * messages). Everything else the kernel hands a script (a `pmd_t *`, a
 * `struct mm_walk *`, `&pgtable_split_lock`) is an opaque Handle that only
 * natives can look inside; a script can pass it on, compare it, and read or
 * write the fields the native declares.
 */

export interface Handle {
  readonly handle: string
  /** Fields a script may read as `h->field` (and write, when listed in `writable`). */
  fields?: Record<string, bigint>
  writable?: readonly string[]
}

export type CValue = bigint | string | Handle

export const isHandle = (v: CValue): v is Handle => typeof v === 'object' && v !== null

/**
 * `&name` in a script, where `name` is a policy global or a native object
 * (`&pgtable_split_lock`): a Handle naming it, with no fields. The interpreter
 * keeps one per name, so `&x == &x`; natives look at `name` to know what it is.
 */
export interface RefHandle extends Handle {
  readonly handle: 'ref'
  readonly name: string
}

export const isRef = (v: CValue): v is RefHandle => isHandle(v) && v.handle === 'ref'

/** Where the interpreter is: policy file and 1-based line/column of the current node. */
export interface SourcePos {
  file: string
  line: number
  column: number
}

/** One frame of the simulated call stack, innermost last. */
export interface Frame {
  fn: string
  /** `policy` frames point into the learner's file; `kernel` frames name the real kernel source. */
  origin: 'policy' | 'kernel'
  file: string
  line?: number
}

/** What a native function may ask of the interpreter. */
export interface NativeContext {
  /** Call a function by name: the policy's definition wins over a native one. */
  call(name: string, args: CValue[]): CValue
  /** True when the policy (or the base kernel policy) defines `name`. */
  defines(name: string): boolean
  /** Read a policy global (throws a policy error when it does not exist). */
  global(name: string): CValue
  /** The simulated call stack, outermost first, including native frames. */
  stack(): readonly Frame[]
  /** Where the policy was when it called this native (the call expression). */
  callSite(): SourcePos | undefined
  /**
   * Charge the step budget for work a native does in proportion to its arguments
   * (a format's length): a native call is otherwise one step whatever it does.
   * Throws the budget error at the policy's call when the budget runs out.
   */
  charge(steps: number): void
}

export interface NativeFunction {
  name: string
  /** Exact argument count, or a minimum for variadic functions such as pr_info. */
  arity: number | { min: number }
  /** Real kernel file it stands for, shown in call traces and hover text. */
  file: string
  /** One line for hover text: what it does in the kernel and in the model. */
  doc: string
  /** Marked (unverified) in the kernel reference: the UI says so. */
  unverified?: boolean
  impl(ctx: NativeContext, args: CValue[]): CValue | void
}

/** Named constants a script can use (`PMD_SIZE`, `-EBUSY`, `PTE_VALID`, `GFP_PGTABLE_KERNEL`). */
export interface NativeConstant {
  name: string
  value: bigint
  doc: string
}

/** A kernel object a script may only take the address of (`&pgtable_split_lock`, `&init_mm`). */
export interface NativeObject {
  name: string
  doc: string
}

/** The natives visible to a policy: functions, constants and writable native globals. */
export interface NativeTable {
  functions: ReadonlyMap<string, NativeFunction>
  constants: ReadonlyMap<string, NativeConstant>
  /** Names valid only under `&`; the script gets a RefHandle for them. */
  objects?: ReadonlyMap<string, NativeObject>
}

/** A problem found in a policy, located for Monaco markers. Lines and columns are 1-based. */
export interface Diagnostic {
  severity: 'error' | 'warning'
  /**
   * `invalid`: well-formed C the compiler would reject (assigning a constant, a void value used, `break` outside a loop).
   * `budget`: the policy used up a boot's steps or filled the kernel log. `internal`: the simulator itself failed on
   * what the policy asked (a bug of the model, reported at the policy's line instead of crashing the host).
   */
  code:
    | 'syntax'
    | 'unsupported'
    | 'unknown-function'
    | 'unknown-identifier'
    | 'arity'
    | 'redefinition'
    | 'invalid'
    | 'runtime'
    | 'budget'
    | 'internal'
  message: string
  file: string
  line: number
  column: number
  endLine: number
  endColumn: number
}

/** Thrown out of the interpreter when a script cannot go on: budget, depth, a bad operation. */
export class PolicyError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(`${diagnostic.file}:${diagnostic.line}:${diagnostic.column}: ${diagnostic.message}`)
  }
}

/**
 * Thrown by a native when the simulated kernel stops (panic, fatal Oops): it
 * unwinds the interpreter, and the boot driver turns it into the verdict.
 * Control flow, not a bug: an Error (instanceof, message) whose constructor
 * captures no JavaScript stack — capturing the interpreter's deep stack was
 * ~1.5 % of a grading boot, and the stack of a halt is the policy's call
 * trace, which the kernel prints itself.
 */
export class KernelHalt {
  readonly name: string = 'KernelHalt'
  readonly message: string
  constructor(readonly reason: string) {
    this.message = reason
  }
}
Object.setPrototypeOf(KernelHalt.prototype, Error.prototype)
export interface KernelHalt extends Error {}

/**
 * A debugger replaying a boot has seen the statement it wanted: it unwinds the
 * run like a halt (natives let it through) and boot() hands it back to the debugger.
 */
export class ReplayStop extends KernelHalt {}
