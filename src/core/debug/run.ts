/*
 * One run of a debug boot, recording or replaying. A boot is deterministic, so
 * the debugger never keeps a paused one: the recording run notes every policy
 * statement (its call depth and site), every breakpoint hit and logpoint
 * message; a replay runs the same boot again and stops before statement N by
 * throwing ReplayStop from the statement hook, after reading the state there
 * (and, when prefetching, at the other indices asked for on the way).
 *
 * Conditions, logpoints and watches are compiled once per run and function
 * scope and evaluated without charging steps; they run in every replay alike,
 * so replays stay exact.
 */
import type { Kernel } from '../kernel/kernel'
import type { CValue, Eval, FunctionDef, Locals, StatementSite } from '../policy'
import { PolicyError, ReplayStop } from '../policy/value'
import type { BootResult } from '../result'
import type { Breakpoint } from './breakpoints'
import { bindLocals, type parseExpression } from './expression'
import type { DebugState, StoppedBoot } from './state'
import { variable } from './values'

export interface LogMessage {
  /** The statement before which the logpoint printed. */
  index: number
  breakpoint: number
  text: string
}

/** What one full run of the boot recorded. */
export interface Recording {
  /** Statements executed. */
  total: number
  /** Per statement: call depth, and the index of its site in `sites`. */
  depth: Uint16Array
  site: Uint32Array
  /** Per statement: which call of its function it runs in (a serial; two calls at one depth differ). */
  call: Uint32Array
  sites: StatementSite[]
  hits: { index: number; breakpoint: number; conditionError?: string }[]
  logs: LogMessage[]
  result: BootResult
}

/** What a run asks of its debug session. */
export interface RunHost {
  /** Read the state of the live run before statement `index`. */
  capture(run: Run, index: number): DebugState
  breakpointsAt(site: StatementSite): Breakpoint[] | undefined
  parse(text: string): ReturnType<typeof parseExpression>
}

/** One debugger expression's compiled closure per run, per function scope. */
interface CompiledExpr {
  ev?: Eval
  error?: string
}

/** The state of one run of the boot (recording or replaying). */
export class Run implements StoppedBoot {
  index = 0
  k!: Kernel
  readonly frameLocals: Locals[] = []
  readonly frameSites: StatementSite[] = []
  private prevSite: StatementSite | undefined
  private prevDepth = -1
  private readonly compiled = new Map<string, CompiledExpr>()
  /** Debugger expressions being evaluated (see hook). */
  private evaluating = 0
  captured: DebugState | undefined
  /** Called at the stop with the live run (to evaluate in one of its frames). */
  onStop: ((run: Run) => void) | undefined
  /** Filled while recording. */
  depth: number[] | undefined
  site: number[] | undefined
  call: number[] | undefined
  /** The locals of the call seen last at each depth, and its serial: a new locals array is a new call. */
  private readonly callLocals: Locals[] = []
  private readonly callSerial: number[] = []
  private calls = 0
  siteIds: Map<StatementSite, number> | undefined
  readonly hits: Recording['hits'] = []
  readonly logs: LogMessage[] = []

  /** States read on the way to `stopAt` (prefetching), by statement index. */
  readonly extra = new Map<number, DebugState>()

  constructor(
    private readonly session: RunHost,
    readonly stopAt: number | undefined,
    record: boolean,
    private readonly alsoAt?: ReadonlySet<number>,
  ) {
    if (record) {
      this.depth = []
      this.site = []
      this.call = []
      this.siteIds = new Map()
    }
  }

  hook = (site: StatementSite, locals: Locals, depth: number): void => {
    // A debugger expression that calls a policy function runs that function's statements through
    // this hook too: they are not the boot's, so they are neither counted, nor stopped at, nor frames.
    if (this.evaluating > 0) return
    const at = depth - 1
    this.frameLocals[at] = locals
    this.frameSites[at] = site
    if (this.index === this.stopAt) {
      this.captured = this.session.capture(this, this.index)
      throw new ReplayStop('debugger stop')
    }
    if (this.alsoAt?.has(this.index)) this.extra.set(this.index, this.session.capture(this, this.index))
    // A line is entered once: several statements on one line (`if (x) return 0;`) hit it once.
    const newLine = site.line !== this.prevSite?.line || site.file !== this.prevSite.file || depth !== this.prevDepth
    this.prevSite = site
    this.prevDepth = depth
    if (newLine) {
      const bps = this.session.breakpointsAt(site)
      if (bps) for (const bp of bps) this.checkBreakpoint(bp, site, locals)
    }
    if (this.depth) {
      if (this.callLocals[at] !== locals) {
        this.callLocals[at] = locals
        this.callSerial[at] = this.calls++
      }
      this.call!.push(this.callSerial[at])
      this.depth.push(depth)
      let id = this.siteIds!.get(site)
      if (id === undefined) this.siteIds!.set(site, (id = this.siteIds!.size))
      this.site!.push(id)
    }
    this.index++
  }

  private checkBreakpoint(bp: Breakpoint, site: StatementSite, locals: Locals): void {
    let conditionError: string | undefined
    if (bp.condition) {
      const r = this.evaluate(bp.condition, site.fn, locals)
      if ('error' in r) conditionError = r.error
      else if (typeof r.value === 'bigint' && r.value === 0n) return
    }
    if (bp.logMessage !== undefined) {
      // A condition that cannot be evaluated is said where the message would be (a breakpoint
      // goal then fails with it as evidence), never taken as true in silence.
      const text = conditionError ? `<${conditionError}>` : this.interpolate(bp.logMessage, site.fn, locals)
      if (this.depth) this.logs.push({ index: this.index, breakpoint: bp.id, text })
      return
    }
    if (this.depth) this.hits.push({ index: this.index, breakpoint: bp.id, conditionError })
  }

  /** Evaluate a debugger expression in a frame of this run. */
  evaluate(text: string, fn: FunctionDef | undefined, locals: Locals): { value: CValue; type?: string } | { error: string } {
    const key = `${fn?.name ?? ''}\0${text}`
    let c = this.compiled.get(key)
    if (!c) {
      const parsed = this.session.parse(text)
      if ('error' in parsed) c = { error: parsed.error }
      else {
        const ev = this.k.interp.debugExpression(bindLocals(parsed.expr, fn), '<expression>', fn)
        c = Array.isArray(ev) ? { error: `in '${text}': ${ev[0].message}` } : { ev }
      }
      this.compiled.set(key, c)
    }
    if (!c.ev) return { error: c.error! }
    this.evaluating++
    try {
      return { value: this.k.interp.evaluate(c.ev, locals) }
    } catch (e) {
      if (e instanceof PolicyError) return { error: `in '${text}': ${e.diagnostic.message}` }
      throw e
    } finally {
      this.evaluating--
    }
  }

  /** A logpoint's message: `{expr}` in decimal, `{expr:x}` in hex. */
  private interpolate(message: string, fn: FunctionDef, locals: Locals): string {
    return message.replace(/\{([^{}]+?)(:x)?\}/g, (_, text: string, hex?: string) => {
      const r = this.evaluate(text, fn, locals)
      if ('error' in r) return `<${r.error}>`
      const v = variable(text, undefined, r.value)
      return hex ? (v.hex ?? v.value) : (v.decimal ?? v.value)
    })
  }
}

