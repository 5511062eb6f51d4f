/*
 * The app's debug store: breakpoints kept per policy in storage, a debug boot's
 * requests sent one after another (a step never overtakes the one before), the
 * timeline following each stop, failures shown.
 */
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { Stop } from '../../src/core/debug'
import { type DebugPort, useDebugStore } from '../../src/renderer/stores/debug'
import { useBootInspectorStore } from '../../src/renderer/stores/boot-inspector'
import { useKernelResourcesStore } from '../../src/renderer/stores/kernel-resources'
import { useWorkbenchStore } from '../../src/renderer/stores/workbench'
import type { DebugAnswer, DebugRequest } from '../../src/renderer/workers/debug-protocol'

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>()
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) }
}

const stopAt = (index: number, bootStep: number): Stop =>
  ({
    reason: 'step',
    index,
    state: { index, file: 'patched-v2.c', line: 40 + index, fn: 'f', frames: [], globals: [], watches: [], console: [], map: { step: 0, label: '', extents: [], ptdump: [] }, machine: { bootStep: { index: bootStep, fn: `s${bootStep}` }, window: 'W1', onlineCpus: 1, cpus: 4, allocator: 'buddy', capsFinalized: false, time: 0, consoleLines: 0 } },
  }) as Stop

/** A worker that answers each request later, in the order asked, and records what it was asked. */
class FakeWorker implements DebugPort {
  readonly asked: (DebugRequest & { id: number })[] = []
  private listener: ((event: MessageEvent<DebugAnswer & { id: number }>) => void) | undefined
  position = 0
  outstanding = 0
  maxOutstanding = 0
  postMessage(request: DebugRequest & { id: number }): void {
    this.asked.push(request)
    this.maxOutstanding = Math.max(this.maxOutstanding, ++this.outstanding)
    setTimeout(() => {
      this.outstanding--
      if (request.kind === 'move') this.position += request.move === 'stepBack' ? -1 : 1
      const answer: DebugAnswer = request.kind === 'move' && request.move === 'goto' && request.index! < 0 ? { kind: 'failed', message: 'no such statement' } : { kind: 'stopped', stop: stopAt(this.position, this.position + 2), total: 100, breakpoints: [], logs: [], verdict: 'booted: ok' }
      this.listener?.({ data: { ...answer, id: request.id } } as MessageEvent<DebugAnswer & { id: number }>)
    }, 5 - this.asked.length)
  }
  addEventListener(_type: 'message', listener: (event: MessageEvent<DebugAnswer & { id: number }>) => void): void {
    this.listener = listener
  }
}

function setup(storage = memoryStorage()) {
  const resources = useKernelResourcesStore()
  resources.policies = [{ path: 'unpatched.c', text: '' }]
  resources.scenarios = [{ path: 'realm.yaml', text: 'name: realm' }]
  const workbench = useWorkbenchStore()
  workbench.scenarioPath = 'realm.yaml'
  workbench.policyPath = 'patched-v2.c'
  workbench.policyText = 'int x;'
  const worker = new FakeWorker()
  const debug = useDebugStore()
  debug.connect({ worker: () => worker, storage })
  return { debug, worker, storage, workbench }
}

beforeEach(() => setActivePinia(createPinia()))

describe('debug store', () => {
  it('toggles breakpoints per policy and keeps them in storage across sessions', () => {
    const { debug, storage, workbench } = setup()
    debug.current()
    debug.toggleBreakpoint(67)
    debug.toggleBreakpoint(41)
    debug.setCondition(67, 'end - start > SZ_2M')
    expect(debug.breakpoints).toEqual([{ line: 41 }, { line: 67, condition: 'end - start > SZ_2M' }])
    debug.toggleBreakpoint(41)
    expect(debug.breakpoints.map((b) => b.line)).toEqual([67])
    workbench.policyPath = 'series.c'
    debug.current()
    expect(debug.breakpoints).toEqual([])

    setActivePinia(createPinia())
    const again = setup(storage).debug
    expect(again.current()).toEqual([{ line: 67, condition: 'end - start > SZ_2M' }])
  })

  it('ignores stored breakpoints that are not breakpoints', () => {
    const storage = memoryStorage()
    storage.setItem('bootlab-breakpoints:patched-v2.c', JSON.stringify([{ line: 3 }, { line: 'x' }, null, { line: 0 }]))
    expect(setup(storage).debug.current()).toEqual([{ line: 3 }])
    storage.setItem('bootlab-breakpoints:series.c', '{not json')
    setActivePinia(createPinia())
    const { debug, workbench } = setup(storage)
    workbench.policyPath = 'series.c'
    expect(debug.current()).toEqual([])
  })

  it('sends moves one after another, each answer replacing the stop and moving the timeline', async () => {
    const { debug, worker } = setup()
    const inspector = useBootInspectorStore()
    inspector.selectStep = (i) => void (inspector.pickedStep = i)
    debug.current()
    debug.toggleBreakpoint(42)
    await debug.startOrContinue()
    expect(worker.asked[0]).toMatchObject({ kind: 'start', breakpoints: [{ file: 'patched-v2.c', line: 42 }] })
    const moves = [debug.move('stepOver'), debug.move('stepOver'), debug.move('stepBack')]
    await Promise.all(moves)
    expect(worker.asked.slice(1).map((r) => (r.kind === 'move' ? r.move : r.kind))).toEqual(['stepOver', 'stepOver', 'stepBack'])
    expect(worker.maxOutstanding).toBe(1)
    expect(debug.stop?.index).toBe(1)
    expect(inspector.pickedStep).toBe(3)
    await debug.move('goto', -1)
    expect(debug.error).toBe('no such statement')
    expect(debug.stop?.index).toBe(1)
    debug.stopDebugging()
    expect(debug.active).toBe(false)
  })

  it('an edit after the session started is said, and F5 then restarts on the text as it is instead of continuing the old one', async () => {
    const { debug, worker } = setup()
    debug.current()
    debug.toggleBreakpoint(42)
    await debug.startOrContinue()
    expect(debug.edited).toBe(false)
    await debug.startOrContinue()
    expect(worker.asked.map((r) => r.kind)).toEqual(['start', 'move'])
    const workbench = useWorkbenchStore()
    workbench.policyText += '\n/* edited while stopped */\n'
    expect(debug.edited).toBe(true)
    await debug.startOrContinue()
    expect(worker.asked.map((r) => r.kind)).toEqual(['start', 'move', 'start'])
    expect(worker.asked[2]).toMatchObject({ kind: 'start', policy: { text: workbench.policyText } })
    expect(debug.edited).toBe(false)
  })
})
