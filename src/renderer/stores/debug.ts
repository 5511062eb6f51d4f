/*
 * The app's policy debugger: the breakpoints of each policy (kept with the
 * policy: per lab or per bundled policy, in the page's storage), the watches,
 * and the debug boot in progress in the debug worker (src/core/debug runs
 * there). Each move waits for the previous one, so steps never overtake each
 * other. A stop moves the timeline (and with it the console marks and the map
 * picture) to the boot step it happened in.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Breakpoint, LogMessage, SourceBreakpoint, Stop } from '../../core/debug'
import type { DebugAnswer, DebugMove, DebugRequest } from '../workers/debug-protocol'
import { useBootInspectorStore } from './boot-inspector'
import { useWorkbenchStore } from './workbench'

/** What the store needs of the debug worker (tests pass a fake). */
export interface DebugPort {
  postMessage(request: DebugRequest & { id: number }): void
  addEventListener(type: 'message', listener: (event: MessageEvent<DebugAnswer & { id: number }>) => void): void
}

export interface DebugDeps {
  worker: () => DebugPort
  storage: Pick<Storage, 'getItem' | 'setItem'>
}

/** A breakpoint in the editor: a line, with an optional condition or log message. */
export type LineBreakpoint = Omit<SourceBreakpoint, 'file'>

const storageKey = (policyKey: string) => `bootlab-breakpoints:${policyKey}`

export const useDebugStore = defineStore('debug', () => {
  const workbench = useWorkbenchStore()
  const inspector = useBootInspectorStore()
  let deps: DebugDeps | null = null
  let port: DebugPort | null = null
  let nextId = 1
  const waiting = new Map<number, (a: DebugAnswer) => void>()
  let queue: Promise<unknown> = Promise.resolve()

  /** Breakpoints by policy key (lab id or bundled policy path). */
  const byPolicy = ref<Record<string, LineBreakpoint[]>>({})
  const watches = ref<string[]>([])
  const stop = shallowRef<Stop | null>(null)
  const total = ref(0)
  const verified = shallowRef<Breakpoint[]>([])
  const logs = shallowRef<LogMessage[]>([])
  const verdict = ref('')
  /** A debug boot is in progress (stopped somewhere or at its end). */
  const active = ref(false)
  const busy = ref(false)
  const error = ref<string | null>(null)
  /** Which frame of the stop the locals show. */
  const frameId = ref(0)

  const policyKey = computed(() => workbench.lab?.id ?? workbench.policyPath ?? '')
  const breakpoints = computed<LineBreakpoint[]>(() => byPolicy.value[policyKey.value] ?? [])
  const ended = computed(() => stop.value?.reason === 'end')
  /** The text the running session debugs: it boots that text to the end, whatever the editor holds since. */
  const debuggedText = ref<string | null>(null)
  /** The editor's text changed since the session started: its stops are of the older text (F5 restarts). */
  const edited = computed(() => active.value && debuggedText.value !== null && debuggedText.value !== workbench.policyText)
  /** The stop is in the file the editor shows (not in a kernel state it builds on). */
  const stoppedLine = computed(() => (stop.value && !ended.value && stop.value.state.file === workbench.policyPath ? (stop.value.state.line ?? null) : null))

  function connect(given: DebugDeps): void {
    deps = given
  }

  function load(key: string): LineBreakpoint[] {
    if (key in byPolicy.value) return byPolicy.value[key]
    let saved: LineBreakpoint[] = []
    try {
      const parsed: unknown = JSON.parse(deps?.storage.getItem(storageKey(key)) ?? '[]')
      if (Array.isArray(parsed)) saved = parsed.filter((b): b is LineBreakpoint => typeof b?.line === 'number' && b.line >= 1)
    } catch {
      saved = []
    }
    byPolicy.value = { ...byPolicy.value, [key]: saved }
    return saved
  }

  function save(key: string, list: LineBreakpoint[]): void {
    byPolicy.value = { ...byPolicy.value, [key]: list }
    try {
      deps?.storage.setItem(storageKey(key), JSON.stringify(list))
    } catch {
      // Storage full or refused: the breakpoints still hold for this session.
    }
  }

  /** The current policy's breakpoints, loaded from storage on first use. */
  function current(): LineBreakpoint[] {
    return load(policyKey.value)
  }

  function toggleBreakpoint(line: number): void {
    const list = current()
    save(policyKey.value, list.some((b) => b.line === line) ? list.filter((b) => b.line !== line) : [...list, { line }].sort((a, b) => a.line - b.line))
  }

  /** A breakpoint's condition (stop only when the C expression is true) or log message (print, never stop); empty clears it. */
  function setBreakpointField(line: number, field: 'condition' | 'logMessage', text: string): void {
    save(
      policyKey.value,
      current().map((b) => (b.line === line ? { ...b, [field]: text.trim() || undefined } : b)),
    )
  }

  function setCondition(line: number, condition: string): void {
    setBreakpointField(line, 'condition', condition)
  }

  function request(r: DebugRequest): Promise<DebugAnswer> {
    if (!deps) throw new Error('debug store used before connect()')
    if (!port) {
      port = deps.worker()
      port.addEventListener('message', (event) => {
        const resolve = waiting.get(event.data.id)
        waiting.delete(event.data.id)
        resolve?.(event.data)
      })
    }
    const id = nextId++
    return new Promise((resolve) => {
      waiting.set(id, resolve)
      port!.postMessage({ ...r, id })
    })
  }

  /** Run requests one after another; each answer replaces the stop. */
  function send(r: DebugRequest): Promise<void> {
    const run = queue.then(async () => {
      busy.value = true
      try {
        const a = await request(r)
        if (a.kind === 'failed') {
          error.value = a.message
          return
        }
        error.value = null
        stop.value = a.stop
        total.value = a.total
        verified.value = a.breakpoints
        logs.value = a.logs
        verdict.value = a.verdict
        frameId.value = 0
        // The timeline, the console's marks and the map picture follow the stop.
        inspector.selectStep(a.stop.state.machine.bootStep.index)
      } finally {
        busy.value = false
      }
    })
    queue = run.catch(() => undefined)
    return run
  }

  /** F5: start a debug boot of the editor's text (or continue when stopped in the text as it is). */
  async function startOrContinue(): Promise<void> {
    if (active.value && stop.value && !ended.value && !edited.value) return move('continue')
    const policyPath = workbench.policyPath
    const scenario = workbench.scenarioFile
    if (!policyPath || !scenario) return
    const input = workbench.bootInput({ path: policyPath, text: workbench.policyText }, scenario)
    if (!input) return
    active.value = true
    debuggedText.value = workbench.policyText
    const breakpointsNow = current().map((b) => ({ ...b, file: policyPath }))
    await send({ kind: 'start', ...input, breakpoints: breakpointsNow, watches: [...watches.value] })
  }

  function move(m: DebugMove, index?: number): Promise<void> {
    if (!active.value) return Promise.resolve()
    return send({ kind: 'move', move: m, index })
  }

  function addWatch(expression: string): Promise<void> {
    const text = expression.trim()
    if (!text) return Promise.resolve()
    watches.value = [...watches.value, text]
    return active.value ? send({ kind: 'watches', watches: [...watches.value] }) : Promise.resolve()
  }

  function removeWatch(index: number): Promise<void> {
    watches.value = watches.value.filter((_, i) => i !== index)
    return active.value ? send({ kind: 'watches', watches: [...watches.value] }) : Promise.resolve()
  }

  function stopDebugging(): void {
    active.value = false
    debuggedText.value = null
    stop.value = null
    error.value = null
    inspector.selectStep(null)
  }

  return {
    byPolicy,
    breakpoints,
    watches,
    stop,
    total,
    verified,
    logs,
    verdict,
    active,
    edited,
    busy,
    error,
    frameId,
    ended,
    stoppedLine,
    connect,
    current,
    toggleBreakpoint,
    setCondition,
    setBreakpointField,
    startOrContinue,
    move,
    addWatch,
    removeWatch,
    stopDebugging,
  }
})
