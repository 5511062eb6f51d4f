/*
 * `bootlab dap`: the policy debugger over the Debug Adapter Protocol on stdio,
 * so VS Code (or any DAP client) can set breakpoints in a policy .c file,
 * launch a boot of a scenario, step forwards and backwards and read variables.
 * A thin translation of DAP requests onto the one debug engine
 * (src/core/debug); launch.json in docs/debugging.md.
 *
 * Launch arguments: { scenario: file or bundled name, policy: .c file or
 * bundled name, stopOnEntry?: boolean, watch?: string[] }.
 * One thread ("boot"); frames are the kernel's call trace, native frames
 * without a source; scopes Locals, Globals and Machine.
 */
import { existsSync, realpathSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { DebugSession as DapSession, InitializedEvent, OutputEvent, Scope, Source, StoppedEvent, TerminatedEvent, Thread } from '@vscode/debugadapter'
import type { DebugProtocol } from '@vscode/debugprotocol'
import { formatScenarioErrors } from '../core'
import { DebugSession, type DebugState, type Stop, type Variable } from '../core/debug'
import { loadCParser } from '../node/c-parser'
import { loadKernelPolicy } from '../node/kernel-policy'
import { readNamed } from '../node/resources'
import { readScenario } from '../node/scenario-cache'

interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  scenario: string
  policy: string
  stopOnEntry?: boolean
  watch?: string[]
}

const THREAD = 1
const GLOBALS = 1
const MACHINE = 2
/** Locals of frame n are reference LOCALS + n; handle fields get references above HANDLES. */
const LOCALS = 1000
const HANDLES = 100_000

/** Two paths naming one file (symlinks and relative paths resolved where the file exists). */
function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p)
    } catch {
      return resolve(p)
    }
  }
  return real(a) === real(b)
}

export class BootlabDebugSession extends DapSession {
  private engine: DebugSession | undefined
  /** Policy file base name → the path the client knows it by. */
  private readonly paths = new Map<string, string>()
  private readonly pending = new Map<string, DebugProtocol.SourceBreakpoint[]>()
  /** Function breakpoints sent before launch (VS Code sends them with the others, before configurationDone). */
  private pendingFunctions: DebugProtocol.FunctionBreakpoint[] | undefined
  private current: Stop | undefined
  private handles = new Map<number, Variable[]>()
  private configured!: Promise<void>
  private markConfigured!: () => void
  private logsShown = 0

  constructor() {
    super()
    this.setDebuggerLinesStartAt1(true)
    this.setDebuggerColumnsStartAt1(true)
    this.configured = new Promise((r) => (this.markConfigured = r))
  }

  protected initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsEvaluateForHovers: true,
      supportsGotoTargetsRequest: false,
    }
    this.sendResponse(response)
    this.sendEvent(new InitializedEvent())
  }

  protected configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.markConfigured()
    this.sendResponse(response)
  }

  protected async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    try {
      const scenarioText = readNamed(args.scenario, 'scenario')
      const parsed = readScenario(scenarioText)
      if (!parsed.scenario) throw new Error(formatScenarioErrors(parsed.errors))
      const policyText = readNamed(args.policy, 'policy')
      const policy = await loadKernelPolicy(policyText)
      const errors = policy.diagnostics.filter((d) => d.severity === 'error')
      if (!policy.program) throw new Error(errors.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n') || 'the policy does not compile')
      this.engine = new DebugSession({ scenario: parsed.scenario, policy, parser: await loadCParser() })
      for (const file of this.engine.files()) this.paths.set(file, file === basename(policyText.file) ? resolve(policyText.file) : bundledPath(file))
      this.engine.setWatches(args.watch ?? [])
    } catch (e) {
      this.sendErrorResponse(response, 1, `bootlab: ${(e as Error).message}`)
      this.sendEvent(new TerminatedEvent())
      return
    }
    for (const [path, bps] of this.pending) this.applyBreakpoints(path, bps)
    if (this.pendingFunctions) this.reportChanged(this.applyFunctionBreakpoints(this.pendingFunctions))
    this.pendingFunctions = undefined
    await this.configured
    this.sendResponse(response)
    this.report(this.engine.start(args.stopOnEntry ?? false))
  }

  protected async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    const path = args.source.path ?? args.source.name ?? ''
    const requested = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }))
    if (!this.engine) {
      // Before launch: answered unverified; launch sets them and reports each with a breakpoint event.
      this.pending.set(path, requested)
      response.body = { breakpoints: requested.map((b) => ({ verified: false, line: b.line, message: 'set when the boot is launched' })) }
      this.sendResponse(response)
      return
    }
    response.body = { breakpoints: this.applyBreakpoints(path, requested) }
    this.sendResponse(response)
  }

  private applyBreakpoints(path: string, requested: DebugProtocol.SourceBreakpoint[]): DebugProtocol.Breakpoint[] {
    // The engine knows files by base name; every lab of a course has a start.c. Another file of the
    // launched file's name is not in this boot: its breakpoints are not set in the launched one.
    const known = this.paths.get(basename(path))
    const out =
      known !== undefined && !samePath(known, path)
        ? requested.map((b) => ({ verified: false, line: b.line, message: `not in this boot: it runs ${known}`, source: new Source(basename(path), path) }))
        : this.engine!.setBreakpoints(path, requested.map((b) => ({ line: b.line, condition: b.condition || undefined, logMessage: b.logMessage }))).map((bp) => ({
            id: bp.id,
            verified: bp.verified,
            line: bp.actualLine,
            message: bp.message,
            source: new Source(basename(path), path),
          }))
    if (known === undefined) this.paths.set(basename(path), path)
    if (this.pending.has(path)) this.reportChanged(out)
    this.pending.delete(path)
    return out
  }

  /** Breakpoints answered unverified before launch, as they turned out once it was set (breakpoint events). */
  private reportChanged(breakpoints: DebugProtocol.Breakpoint[]): void {
    for (const bp of breakpoints) if (bp.id !== undefined) this.sendEvent({ seq: 0, type: 'event', event: 'breakpoint', body: { reason: 'changed', breakpoint: bp } } as DebugProtocol.BreakpointEvent)
  }

  private applyFunctionBreakpoints(requested: DebugProtocol.FunctionBreakpoint[]): DebugProtocol.Breakpoint[] {
    const set = this.engine!.setFunctionBreakpoints(requested.map((b) => ({ function: b.name, condition: b.condition || undefined })))
    return set.map((bp) => ({ id: bp.id, verified: bp.verified, line: bp.actualLine, message: bp.message, source: bp.verified ? new Source(bp.file, this.paths.get(bp.file) ?? bp.file) : undefined }))
  }

  protected setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    if (!this.engine) {
      // Before launch: kept, answered unverified; launch sets them and reports each with a breakpoint event.
      this.pendingFunctions = args.breakpoints
      response.body = { breakpoints: args.breakpoints.map(() => ({ verified: false, message: 'set when the boot is launched' })) }
      return this.sendResponse(response)
    }
    response.body = { breakpoints: this.applyFunctionBreakpoints(args.breakpoints) }
    this.sendResponse(response)
  }

  protected threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD, 'boot')] }
    this.sendResponse(response)
  }

  /** Send what a move produced: logpoint messages passed, then a stop or the end of the boot. */
  private report(st: Stop): void {
    this.current = st
    this.handles = new Map()
    const rec = this.engine!.recording()
    // Logpoint messages between the last reported statement and this one (forwards only).
    for (const log of rec.logs) if (log.index >= this.logsShown && log.index < st.index) this.sendEvent(new OutputEvent(`${log.text}\n`, 'console'))
    this.logsShown = Math.max(this.logsShown, st.index)
    if (st.reason === 'end') {
      const r = rec.result
      this.sendEvent(new OutputEvent(`${r.verdict.status}: ${r.verdict.headline}\n`, 'console'))
      this.sendEvent(new TerminatedEvent())
      return
    }
    const event = new StoppedEvent(st.reason === 'goto' ? 'goto' : st.reason, THREAD) as DebugProtocol.StoppedEvent
    if (st.conditionError) event.body.text = st.conditionError
    event.body.description = `${st.state.fn}() at statement ${st.index} of ${rec.total} (${st.state.machine.bootStep.fn}, ${st.state.machine.window})`
    this.sendEvent(event)
    // While the client reads the stop, read the states the next moves land on (one replay).
    setImmediate(() => this.engine?.prefetch())
  }

  private state(): DebugState | undefined {
    return this.current?.state
  }

  protected stackTraceRequest(response: DebugProtocol.StackTraceResponse): void {
    const frames = this.state()?.frames ?? []
    response.body = {
      stackFrames: frames.map((f) => {
        const frame: DebugProtocol.StackFrame = { id: f.id, name: f.name, line: f.line ?? 0, column: 1 }
        if (f.origin === 'policy') frame.source = new Source(f.file, this.paths.get(f.file) ?? f.file)
        else {
          frame.source = { name: f.file, presentationHint: 'deemphasize' }
          frame.presentationHint = 'subtle'
        }
        return frame
      }),
      totalFrames: frames.length,
    }
    this.sendResponse(response)
  }

  protected scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const frame = this.state()?.frames[args.frameId]
    const scopes = [new Scope('Globals', GLOBALS, false), new Scope('Machine', MACHINE, false)]
    if (frame?.origin === 'policy') scopes.unshift(new Scope('Locals', LOCALS + args.frameId, false))
    response.body = { scopes }
    this.sendResponse(response)
  }

  private toDap(v: Variable): DebugProtocol.Variable {
    let ref = 0
    if (v.children?.length) {
      ref = HANDLES + this.handles.size
      this.handles.set(ref, v.children)
    }
    return { name: v.name, value: v.value, type: v.type, variablesReference: ref }
  }

  protected variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const s = this.state()
    let vars: Variable[] = []
    if (s) {
      const ref = args.variablesReference
      if (ref === GLOBALS) vars = s.globals
      else if (ref === MACHINE) vars = machineVariables(s)
      else if (ref >= HANDLES) vars = this.handles.get(ref) ?? []
      else if (ref >= LOCALS) vars = s.frames[ref - LOCALS]?.locals ?? []
    }
    response.body = { variables: vars.map((v) => this.toDap(v)) }
    this.sendResponse(response)
  }

  protected evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    if (!this.engine || !this.current || this.current.reason === 'end') return this.sendErrorResponse(response, 2, 'the boot is not stopped')
    const w = this.engine.evaluate(args.expression, args.frameId ?? 0)
    if (!w.value) return this.sendErrorResponse(response, 3, w.error ?? 'cannot evaluate')
    const v = this.toDap(w.value)
    response.body = { result: v.value, type: v.type, variablesReference: v.variablesReference }
    this.sendResponse(response)
  }

  private move(response: DebugProtocol.Response, how: (e: DebugSession) => Stop): void {
    if (!this.engine) return this.sendErrorResponse(response, 2, 'no boot launched')
    const st = how(this.engine)
    this.sendResponse(response)
    this.report(st)
  }

  protected continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true }
    this.move(response, (e) => e.continue())
  }
  protected nextRequest(response: DebugProtocol.NextResponse): void {
    this.move(response, (e) => e.stepOver())
  }
  protected stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.move(response, (e) => e.stepIn())
  }
  protected stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.move(response, (e) => e.stepOut())
  }
  protected stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.move(response, (e) => e.stepBack())
  }
  protected reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.move(response, (e) => e.reverseContinue())
  }

  protected disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.sendResponse(response)
    this.shutdown()
  }
}

/** A bundled kernel state's file (`unpatched.c`), for frames in the files a policy builds on. */
function bundledPath(file: string): string {
  try {
    const p = readNamed(file.replace(/\.c$/, ''), 'policy').file
    return existsSync(p) ? p : file
  } catch {
    return file
  }
}

function machineVariables(s: DebugState): Variable[] {
  const m = s.machine
  const row = (name: string, value: string, type = 'model'): Variable => ({ name, type, value })
  return [
    row('boot step', `${m.bootStep.fn} (#${m.bootStep.index})`),
    row('window', m.window),
    row('CPUs online', `${m.onlineCpus} of ${m.cpus}`),
    row('allocator', m.allocator),
    row('caps finalized', String(m.capsFinalized)),
    row('console lines', String(m.consoleLines)),
    row('statement', String(s.index)),
  ]
}

/** Serve one debug session on stdin/stdout until the client disconnects or the input ends. */
export function runDap(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<number> {
  const session = new BootlabDebugSession()
  return new Promise((done) => {
    session.on('close', () => done(0))
    input.on('end', () => done(0))
    session.start(input, output)
  })
}

// `tsx src/cli/dap.ts` (the tests) runs the adapter directly; the installed command goes through `bootlab dap`.
if (process.argv[1]?.endsWith('/cli/dap.ts')) await runDap()
