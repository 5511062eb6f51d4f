/*
 * The policy debugger: breakpoints, stepping and time travel over a simulated
 * boot. One engine, host-free and synchronous; the app's worker, `bootlab dap`
 * and `bootlab boot --break` all drive it. This file moves through the
 * recorded trace; run.ts records and replays a boot, state.ts reads a stopped
 * one, breakpoints.ts says where it can stop, values.ts shows C values.
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
 *   step out     the next statement after the current call returns (a shallower depth,
 *                or another call at the same depth: the kernel calls policy code again)
 *   (step over and step out stop earlier at a breakpoint hit on the way, as gdb's do)
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
import type { StatementSite } from '../policy'
import { ReplayStop } from '../policy/value'
import type { Scenario } from '../scenario/schema'
import { type Breakpoint, BreakpointTable, type SourceBreakpoint } from './breakpoints'
import { parseExpression } from './expression'
import { type Recording, Run, type RunHost } from './run'
import { type DebugState, policyDepthsByFrame, readState, type Watch } from './state'
import { variable } from './values'

export interface DebugTarget {
  scenario: Scenario
  /** The learner's policy linked over its kernel state (preparePolicy). */
  policy: KernelPolicy
  /** The C grammar, for conditions and watches. */
  parser: Parser
  maxSteps?: number
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

export class DebugSession implements RunHost {
  private readonly breakpoints: BreakpointTable
  private readonly parsed = new Map<string, ReturnType<typeof parseExpression>>()
  private watches: string[] = []
  private rec: Recording | undefined
  private readonly states = new Map<number, DebugState>()
  /** The statement the debugger is stopped before (`total` once the boot has ended). */
  position = 0

  constructor(readonly target: DebugTarget) {
    this.breakpoints = new BreakpointTable(target.policy, (text) => this.parse(text))
  }

  // ---- breakpoints and watches -----------------------------------------------

  /** The files that have statements (the base kernel's and every kernel state's on the chain). */
  files(): string[] {
    return this.breakpoints.files()
  }

  /** Replace the breakpoints of one file; the recording is redone on the next run. */
  setBreakpoints(file: string, specs: Omit<SourceBreakpoint, 'file'>[]): Breakpoint[] {
    const out = this.breakpoints.setSource(file, specs)
    this.invalidate()
    return out
  }

  /**
   * Replace the function breakpoints: each stops at the first statement of the
   * policy function of that name, wherever the linked program defines it (the
   * learner's file or a kernel state beneath it), however its lines move.
   */
  setFunctionBreakpoints(specs: (Omit<SourceBreakpoint, 'file' | 'line'> & { function: string })[]): Breakpoint[] {
    const out = this.breakpoints.setFunctions(specs)
    this.invalidate()
    return out
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
    return this.breakpoints.at(site)
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
          call: Uint32Array.from(run.call!),
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
      const d = policyDepthsByFrame(r.k)[frameId]
      if (d === undefined) return
      const v = r.evaluate(text, r.frameSites[d].fn, r.frameLocals[d])
      answer = 'error' in v ? { expression: text, error: v.error } : { expression: text, value: variable(text, undefined, v.value) }
    })
    return answer
  }

  /** Read the stopped boot: stack with locals, globals, watches, machine, console, map. */
  capture(run: Run, index: number): DebugState {
    if (!run.k) throw new Error('the debugger needs a policy that compiles (it never started a boot)')
    run.onStop?.(run)
    return readState(run, index, this.watches, index >= (this.rec?.total ?? Infinity))
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
    return this.stepTo(this.overTarget(this.position))
  }

  stepIn(): Stop {
    return this.stop('step', Math.min(this.total, this.position + 1))
  }

  stepOut(): Stop {
    return this.stepTo(this.outTarget(this.position))
  }

  /** A step to `target`, or the first breakpoint hit before it. */
  private stepTo(target: number): Stop {
    const hit = this.hitAfter(this.position)
    return hit && hit.index < target ? this.stop('breakpoint', hit.index, hit) : this.stop('step', target)
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
    const rec = this.recording()
    if (p >= rec.total) return rec.total
    const d = rec.depth[p]
    const call = rec.call[p]
    for (let i = p + 1; i < rec.total; i++) if (rec.depth[i] < d || (rec.depth[i] === d && rec.call[i] !== call)) return i
    return rec.total
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
    return this.breakpoints.list()
  }
}

