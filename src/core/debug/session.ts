/*
 * The policy debugger: breakpoints, stepping and time travel over a simulated
 * boot. One engine, host-free and synchronous; the app's worker, `bootlab dap`
 * and `bootlab boot --break` all drive it.
 *
 * A real kernel debugger (kgdb) stops the CPU. A boot here is deterministic, so
 * the engine never keeps a paused boot: it *records* one full run (every
 * policy statement with its call depth, every breakpoint hit and logpoint
 * message) and answers "what was the machine like before statement N" by
 * *replaying* the same boot from the start and stopping it at N (ReplayStop),
 * where it reads the stack, the locals, the globals and the machine. Stepping
 * forwards and backwards is then only a search in the recorded trace:
 *
 *   step over    the next statement at the same or a shallower depth
 *   step into    the next statement
 *   step out     the next statement at a shallower depth
 *   continue     the next breakpoint hit (or the end of the boot)
 *   step back    the previous statement at the same or a shallower depth
 *   reverse continue  the previous breakpoint hit (or the first statement)
 *
 * The model's state (page tables, allocators, console) is not snapshotted:
 * replaying a boot to any statement costs at most one boot (a few ms to tens of
 * ms, see bench/debug.ts), and recently visited states are kept.
 *
 * Statements are counted by the engine's hook, apart from the step budget.
 * Conditions, logpoints and watches are evaluated without charging steps;
 * they run in every replay, so a condition that calls a native (with its
 * effects) changes every run alike and replays stay exact.
 */
import type { Parser } from 'web-tree-sitter'
import { boot, type KernelPolicy } from '../boot/boot'
import type { Kernel } from '../kernel/kernel'
import type { BootResult, MapSnapshot, WindowId } from '../result'
import { mapPicture } from '../mm/linear-map'
import type { CValue, Eval, FunctionDef, Locals, Stmt, StatementSite } from '../policy'
import { PolicyError, ReplayStop } from '../policy/value'
import type { Scenario } from '../scenario/schema'
import { bindLocals, parseExpression } from './expression'
import { type Variable, variable } from './values'

export interface DebugTarget {
  scenario: Scenario
  /** The learner's policy linked over its kernel state (preparePolicy). */
  policy: KernelPolicy
  /** The C grammar, for conditions and watches. */
  parser: Parser
  maxSteps?: number
}

export interface SourceBreakpoint {
  /** The policy file (its base name is enough: `patched-v2.c`). */
  file: string
  line: number
  /** Stop only when this C expression is true (non-zero). */
  condition?: string
  /** A logpoint: print this message instead of stopping; `{expr}` is replaced by its value, `{expr:x}` in hex. */
  logMessage?: string
}

export interface Breakpoint extends SourceBreakpoint {
  id: number
  /** A function breakpoint: set by name, at the function's first statement. */
  function?: string
  /** False when no statement is on or after `line` in a function of `file`, or the condition does not compile. */
  verified: boolean
  /** The statement line it stops at (the first statement on or after `line`). */
  actualLine: number
  message?: string
}

export interface StackFrame {
  /** 0 is the innermost frame. */
  id: number
  /** As the kernel names it (`split_kernel_leaf_mapping`, `swiotlb_update_mem_attributes`). */
  name: string
  origin: 'policy' | 'kernel'
  file: string
  /** Policy frames: the line being executed (the innermost) or the call being made. */
  line?: number
  /** Policy frames: parameters and locals by slot. */
  locals?: Variable[]
}

export interface MachineState {
  /** The boot step running (start_kernel's timeline) and its index. */
  bootStep: { index: number; fn: string }
  window: WindowId
  onlineCpus: number
  cpus: number
  allocator: 'memblock' | 'buddy'
  capsFinalized: boolean
  /** Seconds since boot on the console's clock. */
  time: number
  consoleLines: number
}

export interface Watch {
  expression: string
  value?: Variable
  error?: string
}

/** The boot before statement `index` runs (or, at `index === total`, after it ended). */
export interface DebugState {
  index: number
  file?: string
  line?: number
  fn?: string
  frames: StackFrame[]
  globals: Variable[]
  watches: Watch[]
  machine: MachineState
  /** The console so far, as dmesg prints it. */
  console: string[]
  /** The linear map at this moment, as the map view draws it. */
  map: MapSnapshot
}

export type StopReason = 'entry' | 'breakpoint' | 'step' | 'goto' | 'end'

export interface Stop {
  reason: StopReason
  index: number
  /** The breakpoint that stopped it (reason 'breakpoint'). */
  breakpoint?: number
  /** Set when a breakpoint's condition could not be evaluated (it stops, as gdb does). */
  conditionError?: string
  state: DebugState
}

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
  sites: StatementSite[]
  hits: { index: number; breakpoint: number; conditionError?: string }[]
  logs: LogMessage[]
  result: BootResult
}

const HOOKED = new Set<Stmt['k']>(['expr', 'decl', 'if', 'while', 'do', 'for', 'return', 'break', 'continue', 'goto', 'switch'])

/** Lines of statements that can be stopped at, per file, with their function. */
function statementLines(policy: KernelPolicy): Map<string, Map<number, FunctionDef>> {
  const out = new Map<string, Map<number, FunctionDef>>()
  const visit = (s: Stmt | undefined, fn: FunctionDef, lines: Map<number, FunctionDef>): void => {
    if (!s) return
    if (HOOKED.has(s.k) && !lines.has(s.span.line)) lines.set(s.span.line, fn)
    switch (s.k) {
      case 'block':
      case 'switch':
        s.body.forEach((c) => visit(c, fn, lines))
        break
      case 'if':
        visit(s.then, fn, lines)
        visit(s.else, fn, lines)
        break
      case 'while':
      case 'do':
        visit(s.body, fn, lines)
        break
      case 'for':
        visit(s.init, fn, lines)
        visit(s.body, fn, lines)
        break
    }
  }
  for (const fn of policy.program?.functions ?? []) {
    let lines = out.get(fn.file)
    if (!lines) out.set(fn.file, (lines = new Map()))
    visit(fn.body, fn, lines)
  }
  return out
}

/**
 * For each frame of the kernel's call trace (innermost first), the interpreter
 * depth of a policy frame, undefined for a native one: the trace's policy
 * frames are the interpreter's, innermost first.
 */
function policyDepthsByFrame(run: Run): (number | undefined)[] {
  const inner = run.k.interp.stack()
  const depths = inner.map((f, d) => (f.origin === 'policy' ? d : -1)).filter((d) => d >= 0).reverse()
  let p = 0
  return run.k.callTrace().map((f) => (f.origin === 'policy' ? depths[p++] : undefined))
}

const baseName = (file: string) => file.replace(/^.*[\\/]/, '')

/** One debugger expression's compiled closure per run, per function scope. */
interface CompiledExpr {
  ev?: Eval
  error?: string
}

/** The state of one run of the boot (recording or replaying). */
class Run {
  index = 0
  k!: Kernel
  /** Per call depth: the locals and the statement of the frame running at that depth. */
  readonly frameLocals: Locals[] = []
  readonly frameSites: StatementSite[] = []
  private prevSite: StatementSite | undefined
  private prevDepth = -1
  private readonly compiled = new Map<string, CompiledExpr>()
  captured: DebugState | undefined
  /** Called at the stop with the live run (to evaluate in one of its frames). */
  onStop: ((run: Run) => void) | undefined
  /** Filled while recording. */
  depth: number[] | undefined
  site: number[] | undefined
  siteIds: Map<StatementSite, number> | undefined
  readonly hits: Recording['hits'] = []
  readonly logs: LogMessage[] = []

  /** States read on the way to `stopAt` (prefetching), by statement index. */
  readonly extra = new Map<number, DebugState>()

  constructor(
    private readonly session: DebugSession,
    readonly stopAt: number | undefined,
    record: boolean,
    private readonly alsoAt?: ReadonlySet<number>,
  ) {
    if (record) {
      this.depth = []
      this.site = []
      this.siteIds = new Map()
    }
  }

  hook = (site: StatementSite, locals: Locals, depth: number): void => {
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
      const text = this.interpolate(bp.logMessage, site.fn, locals)
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
    try {
      return { value: this.k.interp.evaluate(c.ev, locals) }
    } catch (e) {
      if (e instanceof PolicyError) return { error: `in '${text}': ${e.diagnostic.message}` }
      throw e
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

export class DebugSession {
  private readonly lines: Map<string, Map<number, FunctionDef>>
  private readonly breakpoints = new Map<number, Breakpoint>()
  private byLine = new Map<string, Breakpoint[]>()
  private bySite = new WeakMap<StatementSite, Breakpoint[] | null>()
  private nextId = 1
  private readonly parsed = new Map<string, ReturnType<typeof parseExpression>>()
  private watches: string[] = []
  private rec: Recording | undefined
  private readonly states = new Map<number, DebugState>()
  /** The statement the debugger is stopped before (`total` once the boot has ended). */
  position = 0

  constructor(readonly target: DebugTarget) {
    this.lines = statementLines(target.policy)
  }

  // ---- breakpoints and watches -----------------------------------------------

  /** The files that have statements (the base kernel's and every kernel state's on the chain). */
  files(): string[] {
    return [...this.lines.keys()]
  }

  private fileKey(file: string): string | undefined {
    if (this.lines.has(file)) return file
    const base = baseName(file)
    return [...this.lines.keys()].find((f) => baseName(f) === base)
  }

  /** Replace the breakpoints of one file; the recording is redone on the next run. */
  setBreakpoints(file: string, specs: Omit<SourceBreakpoint, 'file'>[]): Breakpoint[] {
    const key = this.fileKey(file)
    for (const [id, bp] of this.breakpoints) if (bp.file === (key ?? file) && !bp.function) this.breakpoints.delete(id)
    const out = specs.map((spec) => this.verify({ ...spec, file: key ?? file }, key))
    for (const bp of out) this.breakpoints.set(bp.id, bp)
    this.index()
    return out
  }

  /**
   * Replace the function breakpoints: each stops at the first statement of the
   * policy function of that name, wherever the linked program defines it (the
   * learner's file or a kernel state beneath it), however its lines move.
   */
  setFunctionBreakpoints(specs: (Omit<SourceBreakpoint, 'file' | 'line'> & { function: string })[]): Breakpoint[] {
    for (const [id, bp] of this.breakpoints) if (bp.function) this.breakpoints.delete(id)
    const out = specs.map((spec): Breakpoint => {
      const def = this.target.policy.program?.functions.find((f) => f.name === spec.function)
      const first = def && Math.min(...[...(this.lines.get(def.file) ?? [])].filter(([, fn]) => fn === def).map(([line]) => line))
      if (!def || first === undefined || !Number.isFinite(first)) return { ...spec, file: '', line: 0, id: this.nextId++, verified: false, actualLine: 0, message: `no policy function '${spec.function}' with statements in this boot` }
      return { ...this.verify({ ...spec, file: def.file, line: first }, def.file), function: spec.function }
    })
    for (const bp of out) this.breakpoints.set(bp.id, bp)
    this.index()
    return out
  }

  private index(): void {
    this.byLine = new Map()
    this.bySite = new WeakMap()
    for (const bp of this.breakpoints.values()) {
      if (!bp.verified) continue
      const k = `${bp.file}:${bp.actualLine}`
      this.byLine.set(k, [...(this.byLine.get(k) ?? []), bp])
    }
    this.invalidate()
  }

  private verify(spec: SourceBreakpoint, key: string | undefined): Breakpoint {
    const bp: Breakpoint = { ...spec, id: this.nextId++, verified: false, actualLine: spec.line }
    const lines = key ? this.lines.get(key)! : undefined
    if (!lines) return { ...bp, message: `no policy file '${spec.file}' in this boot` }
    const candidates = [...lines.keys()].filter((l) => l >= spec.line).sort((a, b) => a - b)
    const line = candidates[0]
    const fn = line === undefined ? undefined : lines.get(line)
    if (line === undefined || !fn || spec.line < fn.span.line) return { ...bp, message: `no statement on or after line ${spec.line} in a function of ${spec.file}` }
    for (const text of [spec.condition, ...[...(spec.logMessage ?? '').matchAll(/\{([^{}]+?)(?::x)?\}/g)].map((m) => m[1])]) {
      if (!text) continue
      const p = this.parse(text)
      if ('error' in p) return { ...bp, actualLine: line, message: p.error }
    }
    return { ...bp, verified: true, actualLine: line }
  }

  /** Expressions shown at every stop, evaluated in the innermost policy frame. */
  setWatches(expressions: string[]): void {
    this.watches = [...expressions]
    this.states.clear()
  }

  parse(text: string): ReturnType<typeof parseExpression> {
    let p = this.parsed.get(text)
    if (!p) this.parsed.set(text, (p = parseExpression(this.target.parser, text)))
    return p
  }

  /** The breakpoints on a statement's line (looked up once per statement site). */
  breakpointsAt(site: StatementSite): Breakpoint[] | undefined {
    let bps = this.bySite.get(site)
    if (bps === undefined) this.bySite.set(site, (bps = this.byLine.get(`${site.file}:${site.line}`) ?? null))
    return bps ?? undefined
  }

  private invalidate(): void {
    this.rec = undefined
    this.states.clear()
  }

  // ---- runs ------------------------------------------------------------------

  private run(stopAt: number | undefined, record: boolean, onStop?: (run: Run) => void, alsoAt?: ReadonlySet<number>): Run {
    const run = new Run(this, stopAt, record, alsoAt)
    run.onStop = onStop
    try {
      const result = boot(this.target.scenario, this.target.policy, {
        maxSteps: this.target.maxSteps,
        debug: (k) => {
          run.k = k
          return run.hook
        },
      })
      if (record) {
        this.rec = {
          total: run.index,
          depth: Uint16Array.from(run.depth!),
          site: Uint32Array.from(run.site!),
          sites: [...run.siteIds!.keys()],
          hits: run.hits,
          logs: run.logs,
          result,
        }
      }
      // Ran to the end: the state after the boot.
      if (stopAt !== undefined && run.index <= stopAt) run.captured = this.capture(run, run.index)
    } catch (e) {
      if (!(e instanceof ReplayStop)) throw e
    }
    return run
  }

  /** The full run: statements, hits and logpoint messages. Done once per set of breakpoints. */
  recording(): Recording {
    if (!this.rec) {
      const run = this.run(undefined, true)
      this.states.set(this.rec!.total, this.capture(run, this.rec!.total))
    }
    return this.rec!
  }

  /** The boot before statement `index` (clamped to [0, total]). */
  stateAt(index: number): DebugState {
    const total = this.recording().total
    const i = Math.max(0, Math.min(total, Math.floor(index)))
    let s = this.states.get(i)
    if (!s) {
      s = this.run(i, false).captured!
      this.keep(i, s)
    }
    return s
  }

  /** Evaluate an expression in frame `frameId` of the current stop (a StackFrame id; 0 = innermost). */
  evaluate(text: string, frameId = 0): Watch {
    let answer: Watch = { expression: text, error: 'no policy frame to evaluate in' }
    this.run(this.position, false, (r) => {
      const d = policyDepthsByFrame(r)[frameId]
      if (d === undefined) return
      const v = r.evaluate(text, r.frameSites[d].fn, r.frameLocals[d])
      answer = 'error' in v ? { expression: text, error: v.error } : { expression: text, value: variable(text, undefined, v.value) }
    })
    return answer
  }

  /** Read the stopped boot: stack with locals, globals, watches, machine, console, map. */
  capture(run: Run, index: number): DebugState {
    const k = run.k
    if (!k) throw new Error('the debugger needs a policy that compiles (it never started a boot)')
    run.onStop?.(run)
    const machine: MachineState = {
      bootStep: { index: k.currentStep(), fn: k.steps[k.currentStep()]?.fn ?? 'start_kernel' },
      window: k.window(),
      onlineCpus: k.onlineCpus(),
      cpus: k.cpus.length,
      allocator: k.buddy ? 'buddy' : 'memblock',
      capsFinalized: k.capsFinalized,
      time: k.time,
      consoleLines: k.log.lines.length,
    }
    const base = { index, globals: [] as Variable[], watches: [] as Watch[], machine, console: k.log.lines.map((l) => l.line), map: mapPicture(k, `before statement ${index}`) }
    const interp = k.interp
    if (!interp) return { ...base, frames: [] }
    const globals = interp.globalNames().map((name) => {
      const info = interp.globalInfo(name)
      return { ...variable(name, undefined, interp.getGlobal(name)), type: info?.type ?? 'kernel value' }
    })
    if (interp.stack().length === 0 || index >= (this.rec?.total ?? Infinity)) return { ...base, globals, frames: [] }
    const depths = policyDepthsByFrame(run)
    const frames: StackFrame[] = k.callTrace().map((f, id) => {
      const d = depths[id]
      if (d === undefined) return { id, name: f.fn, origin: 'kernel', file: f.file }
      const site = run.frameSites[d]
      const locals = run.frameLocals[d]
      const fn = site?.fn
      return {
        id,
        name: f.fn,
        origin: 'policy',
        file: f.file,
        line: site?.line ?? f.line,
        locals: fn ? fn.locals.map((l, slot) => variable(l.name, l.ty, locals?.[slot])) : [],
      }
    })
    const innermost = depths.find((d) => d !== undefined)
    const top = innermost === undefined ? undefined : run.frameSites[innermost]
    const watches = this.watches.map((expression): Watch => {
      const v = run.evaluate(expression, top?.fn, innermost === undefined ? [] : run.frameLocals[innermost])
      return 'error' in v ? { expression, error: v.error } : { expression, value: variable(expression, undefined, v.value) }
    })
    return { ...base, globals, watches, frames, file: top?.file, line: top?.line, fn: top?.fn.name }
  }

  // ---- moving ----------------------------------------------------------------

  get total(): number {
    return this.recording().total
  }

  private stop(reason: StopReason, index: number, hit?: Recording['hits'][number]): Stop {
    this.position = index
    const total = this.recording().total
    const state = this.stateAt(index)
    return { reason: index >= total ? 'end' : reason, index, breakpoint: hit?.breakpoint, conditionError: hit?.conditionError, state }
  }

  private hitAfter(p: number): Recording['hits'][number] | undefined {
    return this.recording().hits.find((h) => h.index > p)
  }

  /** Record the boot and stop at the first breakpoint hit (or at the first statement, or the end). */
  start(stopOnEntry = false): Stop {
    const rec = this.recording()
    if (stopOnEntry) return this.stop('entry', 0)
    const hit = rec.hits[0]
    return hit ? this.stop('breakpoint', hit.index, hit) : this.stop('end', rec.total)
  }

  continue(): Stop {
    const hit = this.hitAfter(this.position)
    return hit ? this.stop('breakpoint', hit.index, hit) : this.stop('end', this.total)
  }

  reverseContinue(): Stop {
    const hit = this.hitBefore(this.position)
    return hit ? this.stop('breakpoint', hit.index, hit) : this.stop('entry', 0)
  }

  stepOver(): Stop {
    return this.stop('step', this.overTarget(this.position))
  }

  stepIn(): Stop {
    return this.stop('step', Math.min(this.total, this.position + 1))
  }

  stepOut(): Stop {
    return this.stop('step', this.outTarget(this.position))
  }

  /** Reverse step: the previous statement at the same or a shallower depth (the reverse of step over). */
  stepBack(): Stop {
    return this.stop(this.position <= 0 ? 'entry' : 'step', this.backTarget(this.position))
  }

  private hitBefore(p: number): Recording['hits'][number] | undefined {
    const hits = this.recording().hits.filter((h) => h.index < p)
    return hits[hits.length - 1]
  }

  private depthAt(i: number): number {
    const rec = this.recording()
    return i < rec.total ? rec.depth[i] : 0
  }

  private forward(p: number, ok: (d: number) => boolean): number {
    const rec = this.recording()
    for (let i = p + 1; i < rec.total; i++) if (ok(rec.depth[i])) return i
    return rec.total
  }

  private overTarget(p: number): number {
    const d = this.depthAt(p)
    return this.forward(p, (x) => x <= d)
  }

  private outTarget(p: number): number {
    const d = this.depthAt(p)
    return this.forward(p, (x) => x < d)
  }

  private backTarget(p: number): number {
    const rec = this.recording()
    if (p <= 0) return 0
    if (p >= rec.total) return rec.total - 1
    const d = rec.depth[p]
    for (let i = p - 1; i >= 0; i--) if (rec.depth[i] <= d) return i
    return p - 1
  }

  /**
   * Read, in one replay, the states every move from the current stop can land
   * on (step over/into/out/back, the next and previous hits) that are not kept
   * yet, so the next move answers at once. Hosts call it after answering a move
   * (it costs at most one boot); returns how many states it read.
   */
  prefetch(): number {
    const p = this.position
    const total = this.recording().total
    const targets = [p + 1, this.overTarget(p), this.outTarget(p), this.backTarget(p), p - 1, this.hitAfter(p)?.index, this.hitBefore(p)?.index]
    const wanted = new Set(targets.filter((i): i is number => i !== undefined && i >= 0 && i <= total && !this.states.has(i)))
    if (wanted.size === 0) return 0
    const run = this.run(Math.max(...wanted), false, undefined, wanted)
    for (const [i, state] of run.extra) this.keep(i, state)
    if (run.captured) this.keep(run.captured.index, run.captured)
    return wanted.size
  }

  private keep(i: number, state: DebugState): void {
    if (this.states.size >= 256 && !this.states.has(i)) this.states.delete(this.states.keys().next().value!)
    this.states.set(i, state)
  }

  /** Jump to statement `index` (the execution slider). */
  goto(index: number): Stop {
    return this.stop('goto', Math.max(0, Math.min(this.total, Math.floor(index))))
  }

  /** Where statement `i` is (for the slider's labels and the DAP stack). */
  siteOf(i: number): { file: string; line: number; fn: string } | undefined {
    const rec = this.recording()
    if (i < 0 || i >= rec.total) return undefined
    const s = rec.sites[rec.site[i]]
    return { file: s.file, line: s.line, fn: s.fn.name }
  }

  get breakpointList(): Breakpoint[] {
    return [...this.breakpoints.values()]
  }
}

