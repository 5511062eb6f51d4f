import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BootResult } from '../../src/core/result'
import type { Diagnostic } from '../../src/core/policy/value'
import type { BootlabApi, KernelResources } from '../../src/shared/bootlab-api'
import { useKernelResourcesStore } from '../../src/renderer/stores/kernel-resources'
import { behindReason, BOOT_SENTINEL_KEY, clockTime, SAVE_DEBOUNCE_MS, SLOW_BOOT_MS, textHash, useWorkbenchStore } from '../../src/renderer/stores/workbench'
import type { BootInput, BootOutcome } from '../../src/renderer/workers/boot-protocol'

const RESOURCES: KernelResources = {
  policies: [
    { path: 'patched-v1.c', text: 'int v1;\n' },
    { path: 'unpatched.c', text: 'int base;\n' },
  ],
  scenarios: [
    { path: 'host.yaml', text: 'name: host' },
    { path: 'realm.yaml', text: 'name: realm' },
  ],
}

function fakeApi(saved: Record<string, string> = {}): BootlabApi & { saved: Record<string, string> } {
  return {
    host: 'web',
    saved,
    loadKernelResources: async () => RESOURCES,
    listLabs: async () => [],
    loadLab: async (id) => Promise.reject(new Error(`no lab '${id}'`)),
    loadPolicy: async (key) => saved[key] ?? null,
    savePolicy: async (key, text) => void (saved[key] = text),
    loadProgress: async () => ({ labs: {} }),
    saveProgress: async () => {},
    exportFile: async () => ({ saved: false }),
    exportPdf: async () => ({ saved: false }),
    openExternal: async () => {},
    onMenuCommand: () => {},
  }
}

const diagnostic = (file: string, line: number, message = 'expected ;'): Diagnostic => ({
  severity: 'error',
  code: 'syntax',
  message,
  file,
  line,
  column: 1,
  endLine: line,
  endColumn: 2,
})

/** The minimal BootResult the store reads; the core fills every field for real. */
const result = (diagnostics: Diagnostic[] = []) =>
  ({ diagnostics, verdict: { status: 'booted', headline: 'ok', causes: [] }, console: [], splats: [] }) as unknown as BootResult

/** Records what the store asked to boot and answers with `answer` (a clean boot unless told otherwise). */
function fakeBoots(answer: (input: BootInput) => BootOutcome | null = () => ({ kind: 'booted', diagnostics: [], result: result() })) {
  const runs: BootInput[] = []
  return { runs, run: vi.fn(async (input: BootInput) => (runs.push(input), answer(input))) }
}

async function startedWorkbench(api = fakeApi(), boots = fakeBoots()) {
  const resources = useKernelResourcesStore()
  await resources.load(api)
  const workbench = useWorkbenchStore()
  workbench.connect({ api, boots })
  await workbench.start()
  return { workbench, resources, api, boots }
}

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('kernel resources store', () => {
  it('loads the bundled policies and finds the base kernel', async () => {
    const resources = useKernelResourcesStore()
    await resources.load(fakeApi())
    expect(resources.status).toBe('ready')
    expect(resources.basePolicy?.text).toBe('int base;\n')
  })

  it('fails with a reason when the base kernel is missing or loading throws', async () => {
    const resources = useKernelResourcesStore()
    await resources.load({ ...fakeApi(), loadKernelResources: async () => ({ policies: [], scenarios: [] }) })
    expect(resources.status).toBe('failed')
    expect(resources.error).toContain('unpatched.c is missing')
    await resources.load({ ...fakeApi(), loadKernelResources: async () => Promise.reject(new Error('EACCES')) })
    expect(resources.error).toBe('EACCES')
  })
})

describe('workbench store', () => {
  it('starts on the base kernel and the realm guest and boots them', async () => {
    const { workbench, boots } = await startedWorkbench()
    expect(workbench.policyPath).toBe('unpatched.c')
    expect(workbench.scenarioPath).toBe('realm.yaml')
    expect(boots.runs).toEqual([
      {
        base: { path: 'unpatched.c', text: 'int base;\n' },
        policy: { path: 'unpatched.c', text: 'int base;\n' },
        scenario: { path: 'realm.yaml', text: 'name: realm' },
        kernelStates: RESOURCES.policies,
      },
    ])
    expect(workbench.result?.verdict.status).toBe('booted')
    expect(workbench.running).toBe(false)
  })

  it('hands the worker plain data, never reactive proxies (postMessage cannot clone them)', async () => {
    const { boots } = await startedWorkbench()
    expect(() => structuredClone(boots.runs[0])).not.toThrow()
  })

  it('boots at the end of the keystroke\'s own task, no timer, once for the edits of that task (no debounce)', async () => {
    const { workbench, boots } = await startedWorkbench()
    workbench.edit('int a')
    workbench.edit('int ab')
    expect(boots.runs).toHaveLength(1)
    expect(workbench.stale).toBe(true)
    // One microtask turn, no timer: a timer would wait for the frame that draws the keystroke.
    await Promise.resolve()
    expect(boots.runs.map((r) => r.policy.text)).toEqual(['int base;\n', 'int ab'])
    await vi.advanceTimersByTimeAsync(0)
    expect(workbench.stale).toBe(false)
  })

  it('boots at once on request (Ctrl/Cmd+Enter) and drops the boot already asked for', async () => {
    const { workbench, boots } = await startedWorkbench()
    workbench.edit('int a;')
    await workbench.bootNow()
    await vi.advanceTimersByTimeAsync(0)
    expect(boots.runs.map((r) => r.policy.text)).toEqual(['int base;\n', 'int a;'])
  })

  it('keeps the previous outcome when a boot is superseded', async () => {
    const boots = fakeBoots((input) => (input.policy.text === 'old' ? null : { kind: 'booted', diagnostics: [], result: result() }))
    const { workbench } = await startedWorkbench(fakeApi(), boots)
    const before = workbench.outcome
    workbench.edit('old')
    await workbench.bootNow()
    expect(workbench.outcome).toBe(before)
    expect(workbench.bootedText).toBe('int base;\n')
  })

  it('keeps the last good boot for the views while the text does not parse, and says why; the fixed text replaces it', async () => {
    const policyError = (d: Diagnostic) =>
      ({ diagnostics: [d], verdict: { status: 'policy-error', headline: 'could not run', causes: [] }, console: [], splats: [] }) as unknown as BootResult
    const boots = fakeBoots((input) =>
      input.policy.text.includes('= ;')
        ? { kind: 'booted', diagnostics: [diagnostic('unpatched.c', 33)], result: policyError(diagnostic('unpatched.c', 33)) }
        : { kind: 'booted', diagnostics: [], result: result() },
    )
    const { workbench } = await startedWorkbench(fakeApi(), boots)
    const good = workbench.result
    expect(good).not.toBeNull()
    expect(workbench.viewsBehind).toBeNull()

    workbench.edit('int broken = ;')
    // In flight: the views keep the good boot, and say nothing unless the boot is slow.
    expect(workbench.result).toBe(good)
    expect(workbench.viewsBehind).toBeNull()
    await vi.advanceTimersByTimeAsync(0)
    expect(workbench.outcome?.kind === 'booted' && workbench.outcome.result.verdict.status).toBe('policy-error')
    expect(workbench.result).toBe(good)
    expect(workbench.viewsBehind).toBe('line 33 does not parse yet')
    expect(workbench.diagnostics.map((d) => d.line)).toEqual([33])

    workbench.edit('int fixed = 1;')
    await vi.advanceTimersByTimeAsync(0)
    expect(workbench.result).not.toBe(good)
    expect(workbench.goodBoot?.text).toBe('int fixed = 1;')
    expect(workbench.viewsBehind).toBeNull()
  })

  it('a boot slower than SLOW_BOOT_MS is announced: the views say they show the previous boot', async () => {
    let release: (o: BootOutcome) => void = () => {}
    const boots = fakeBoots()
    const { workbench } = await startedWorkbench(fakeApi(), boots)
    boots.run.mockImplementationOnce((input: BootInput) => (boots.runs.push(input), new Promise<BootOutcome>((r) => (release = r))))
    workbench.edit('int slow;')
    await vi.advanceTimersByTimeAsync(SLOW_BOOT_MS - 1)
    expect(workbench.viewsBehind).toBeNull()
    await vi.advanceTimersByTimeAsync(1)
    expect(workbench.viewsBehind).toBe('booting your latest edit…')
    release({ kind: 'booted', diagnostics: [], result: result() })
    await vi.advanceTimersByTimeAsync(0)
    expect(workbench.viewsBehind).toBeNull()
  })

  it('a run-time policy error and an invalid scenario after a good boot also keep it, with their reason', async () => {
    expect(behindReason({ kind: 'scenario-invalid', diagnostics: [], problems: [] }, 'x.c')).toBe('the edited scenario is not valid yet')
    const runtime = { ...diagnostic('x.c', 12, 'step budget exhausted'), code: 'invalid' }
    const outcome = { kind: 'booted', diagnostics: [], result: { diagnostics: [runtime] } } as unknown as BootOutcome
    expect(behindReason(outcome, 'x.c')).toBe('line 12: step budget exhausted')
    expect(clockTime(new Date(2026, 0, 1, 4, 2, 9))).toBe('04:02:09')
  })

  it("another tab's save of the same policy is offered, never applied unseen; keeping mine saves it", async () => {
    const api = fakeApi()
    const { workbench } = await startedWorkbench(api)
    workbench.edit('int mine;')
    workbench.otherSaved('workbench-patched-v1', 'int theirs;')
    expect(workbench.offered).toBeNull()
    workbench.otherSaved('workbench-unpatched', 'int mine;')
    expect(workbench.offered).toBeNull()
    workbench.otherSaved('workbench-unpatched', 'int theirs;')
    expect(workbench.offered).toEqual({ text: 'int theirs;' })
    expect(workbench.policyText).toBe('int mine;')
    workbench.acceptOffered()
    expect(workbench.policyText).toBe('int theirs;')
    expect(workbench.offered).toBeNull()
    workbench.otherSaved('workbench-unpatched', 'int third;')
    await workbench.keepMine()
    expect(workbench.offered).toBeNull()
    expect(api.saved['workbench-unpatched']).toBe('int theirs;')
  })

  it("another tab's text is offered only for the policy it was saved under: opening another policy withdraws the offer", async () => {
    const api = fakeApi()
    const { workbench } = await startedWorkbench(api)
    workbench.otherSaved('workbench-unpatched', 'int theirs_for_unpatched;')
    expect(workbench.offered).not.toBeNull()
    await workbench.selectPolicy('patched-v1.c')
    expect(workbench.offered).toBeNull()
    workbench.acceptOffered()
    expect(workbench.policyText).toBe('int v1;\n')
  })

  it("the other tab's text, once taken, is what this tab saves: a reload does not bring back the text set aside", async () => {
    const api = fakeApi()
    const { workbench } = await startedWorkbench(api)
    // The other tab saved; this tab went on typing, and its autosave wrote over the other tab's text.
    workbench.otherSaved('workbench-unpatched', 'int theirs;')
    workbench.edit('int mine_more;')
    await vi.advanceTimersByTimeAsync(SAVE_DEBOUNCE_MS + 10)
    expect(api.saved['workbench-unpatched']).toBe('int mine_more;')
    workbench.acceptOffered()
    await vi.advanceTimersByTimeAsync(SAVE_DEBOUNCE_MS + 10)
    expect(workbench.policyText).toBe('int theirs;')
    expect(api.saved['workbench-unpatched']).toBe('int theirs;')
  })

  it('a share link opens in a session of its own per link: its edits come back on a reload, another link keeps its own text', async () => {
    const api = fakeApi()
    const friend = { path: 'start.c', text: 'int friend;\n' }
    const other = { path: 'start.c', text: 'int other;\n' }
    const realm = { path: 'realm.yaml', text: 'name: realm' }
    const { workbench } = await startedWorkbench(api)
    await workbench.openShared(friend, realm)
    expect(workbench.lab?.shared).toBe(true)
    workbench.edit('int friend;\nint my_fix;\n')
    await vi.advanceTimersByTimeAsync(SAVE_DEBOUNCE_MS + 10)
    // A reload: a fresh page opens the same link.
    setActivePinia(createPinia())
    const again = (await startedWorkbench(api)).workbench
    await again.openShared(friend, realm)
    expect(again.policyText).toBe('int friend;\nint my_fix;\n')
    await again.openShared(other, realm)
    expect(again.policyText).toBe('int other;\n')
    // Another tab saving the first link's session is not offered to this one.
    again.otherSaved(Object.keys(api.saved).find((k) => k.startsWith('shared-'))!, 'int theirs;')
    expect(again.offered).toBeNull()
  })

  it('a share link whose boot killed the page is not booted again on reopening it', async () => {
    const items = new Map<string, string>()
    const sentinel = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) }
    const api = fakeApi()
    await useKernelResourcesStore().load(api)
    // The boot of the link's text never answers: the page dies during it.
    const boots = fakeBoots()
    boots.run.mockImplementation(async (input: BootInput) =>
      input.policy.text.includes('killer') ? new Promise<BootOutcome | null>(() => {}) : { kind: 'booted', diagnostics: [], result: result() },
    )
    const workbench = useWorkbenchStore()
    workbench.connect({ api, boots, sentinel })
    await workbench.start()
    const killer = { path: 'start.c', text: 'int killer;\n' }
    const realm = { path: 'realm.yaml', text: 'name: realm' }
    void workbench.openShared(killer, realm)
    await vi.advanceTimersByTimeAsync(0)
    expect(items.has(BOOT_SENTINEL_KEY)).toBe(true)
    // The page died during that boot; the reload opens the link again.
    setActivePinia(createPinia())
    await useKernelResourcesStore().load(api)
    const reloaded = useWorkbenchStore()
    const boots2 = fakeBoots()
    reloaded.connect({ api, boots: boots2, sentinel })
    await reloaded.openShared(killer, realm)
    expect(boots2.runs).toHaveLength(0)
    expect(reloaded.bootHeld).toMatch(/stopped the last boot/)
  })

  it('a session opened on the text whose boot never came back is not booted until asked', async () => {
    const items = new Map<string, string>()
    const sentinel = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) }
    const api = fakeApi({ 'workbench-unpatched': 'int killer;' })
    // The last page died while booting this text: the sentinel is still there.
    items.set(BOOT_SENTINEL_KEY, JSON.stringify({ key: 'workbench-unpatched', hash: textHash('int killer;') }))
    await useKernelResourcesStore().load(api)
    const boots = fakeBoots()
    const workbench = useWorkbenchStore()
    workbench.connect({ api, boots, sentinel })
    await workbench.start()
    expect(boots.runs).toHaveLength(0)
    expect(workbench.bootHeld).toMatch(/stopped the last boot/)
    await workbench.bootNow()
    expect(boots.runs.map((r) => r.policy.text)).toEqual(['int killer;'])
    expect(workbench.bootHeld).toBeNull()
    expect(items.has(BOOT_SENTINEL_KEY)).toBe(false)
    // Other text (another policy) boots as usual, and the sentinel is set only while a boot is out.
    let during: string | undefined
    boots.run.mockImplementationOnce(async (input: BootInput) => ((during = items.get(BOOT_SENTINEL_KEY)), boots.runs.push(input), { kind: 'booted', diagnostics: [], result: result() }))
    await workbench.selectPolicy('patched-v1.c')
    expect(JSON.parse(during!)).toEqual({ key: 'workbench-patched-v1', hash: textHash('int v1;\n') })
    expect(items.has(BOOT_SENTINEL_KEY)).toBe(false)
  })

  it('shows compile and run-time diagnostics of the edited file only, without duplicates', async () => {
    const boots = fakeBoots(() => ({
      kind: 'booted',
      diagnostics: [diagnostic('patched-v1.c', 3), diagnostic('unpatched.c', 9)],
      result: result([diagnostic('patched-v1.c', 3), diagnostic('patched-v1.c', 5, 'step budget exhausted')]),
    }))
    const { workbench } = await startedWorkbench(fakeApi(), boots)
    await workbench.selectPolicy('patched-v1.c')
    expect(workbench.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [3, 'expected ;'],
      [5, 'step budget exhausted'],
    ])
  })

  it('shows the diagnostics of a policy even when the scenario is invalid', async () => {
    const boots = fakeBoots(() => ({ kind: 'scenario-invalid', diagnostics: [diagnostic('unpatched.c', 2)], problems: [] }))
    const { workbench } = await startedWorkbench(fakeApi(), boots)
    expect(workbench.result).toBeNull()
    expect(workbench.diagnostics.map((d) => d.line)).toEqual([2])
  })

  it('saves the learner text a second after typing and restores it when the policy is opened again', async () => {
    const api = fakeApi()
    const { workbench } = await startedWorkbench(api)
    await workbench.selectPolicy('patched-v1.c')
    workbench.edit('int mine;')
    await vi.advanceTimersByTimeAsync(SAVE_DEBOUNCE_MS)
    expect(api.saved).toEqual({ 'workbench-patched-v1': 'int mine;' })
    await workbench.selectPolicy('unpatched.c')
    expect(workbench.policyText).toBe('int base;\n')
    await workbench.selectPolicy('patched-v1.c')
    expect(workbench.policyText).toBe('int mine;')
    expect(workbench.edited).toBe(true)
  })

  it('flushes text still waiting to be saved, and does nothing when all is saved', async () => {
    const api = fakeApi()
    const { workbench } = await startedWorkbench(api)
    workbench.flushSave()
    expect(api.saved).toEqual({})
    workbench.edit('int last;')
    workbench.flushSave()
    expect(api.saved).toEqual({ 'workbench-unpatched': 'int last;' })
  })

  it('saves unsaved text before switching policy', async () => {
    const api = fakeApi()
    const { workbench } = await startedWorkbench(api)
    workbench.edit('int quick;')
    await workbench.selectPolicy('patched-v1.c')
    expect(api.saved['workbench-unpatched']).toBe('int quick;')
  })

  it('reset restores the bundled text, saves it and boots it', async () => {
    const api = fakeApi({ 'workbench-unpatched': 'int mine;' })
    const { workbench, boots } = await startedWorkbench(api)
    expect(workbench.policyText).toBe('int mine;')
    await workbench.resetPolicy()
    expect(workbench.policyText).toBe('int base;\n')
    expect(workbench.edited).toBe(false)
    expect(api.saved['workbench-unpatched']).toBe('int base;\n')
    expect(boots.runs.at(-1)?.policy.text).toBe('int base;\n')
  })

  it('opens on the first scenario when there is no realm guest', async () => {
    const api = { ...fakeApi(), loadKernelResources: async () => ({ ...RESOURCES, scenarios: [RESOURCES.scenarios[0]] }) }
    const { workbench } = await startedWorkbench(api)
    expect(workbench.scenarioPath).toBe('host.yaml')
  })

  it('switching scenario boots the same policy on the new machine', async () => {
    const { workbench, boots } = await startedWorkbench()
    await workbench.selectScenario('host.yaml')
    expect(boots.runs.at(-1)?.scenario.path).toBe('host.yaml')
    await workbench.selectScenario('missing.yaml')
    expect(workbench.scenarioPath).toBe('host.yaml')
  })

  it('boots an edited scenario as JSON, is stale until that boot, and reset goes back to the file', async () => {
    const { workbench, boots } = await startedWorkbench()
    workbench.editScenario({ name: 'realm', machine: { ram: [{ base: 0x40000000, size: '2G' }], cpus: [{ model: 'neoverse-n2' }] } })
    expect(workbench.stale).toBe(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(boots.runs.at(-1)?.scenario.path).toBe('realm.yaml')
    expect(JSON.parse(boots.runs.at(-1)!.scenario.text)).toMatchObject({ machine: { cpus: [{ model: 'neoverse-n2' }] } })
    expect(workbench.stale).toBe(false)
    await workbench.resetScenario()
    expect(workbench.scenarioDraft).toBeNull()
    expect(boots.runs.at(-1)?.scenario).toEqual({ path: 'realm.yaml', text: 'name: realm' })
  })

  it('start() leaves an open still in flight to land (a lab clicked while a reloaded route opened its kernel state)', async () => {
    const api = fakeApi()
    const resources = useKernelResourcesStore()
    await resources.load(api)
    const workbench = useWorkbenchStore()
    workbench.connect({ api, boots: fakeBoots() })
    let landLab!: () => void
    const loadPolicy = api.loadPolicy
    api.loadPolicy = (key) => (key === 'lab-1' ? new Promise((resolve) => (landLab = () => resolve(null))) : loadPolicy(key))
    const start = { path: 'start.c', text: 'int lab;' }
    const opened = workbench.openLab({ id: 'lab-1', start, kernelStates: [], scenarios: [{ path: 'realm.yaml', text: 'name: realm' }], machineLocked: false })
    // Nothing is open yet, so the route asks for the base kernel: it must not supersede the lab.
    await workbench.start()
    landLab()
    await opened
    expect(workbench.lab?.id).toBe('lab-1')
    expect(workbench.policyPath).toBe('start.c')
    // With nothing in flight, start() opens the base kernel as before.
    setActivePinia(createPinia())
    const fresh = await startedWorkbench()
    expect(fresh.workbench.policyPath).toBe('unpatched.c')
  })

  it('a lab that locks its machines refuses scenario edits', async () => {
    const { workbench, boots } = await startedWorkbench()
    const start = { path: 'start.c', text: 'int x;' }
    await workbench.openLab({ id: 'locked-lab', start, kernelStates: [], scenarios: [{ path: 'realm.yaml', text: 'name: realm' }], machineLocked: true })
    const runs = boots.runs.length
    workbench.editScenario({ name: 'realm', machine: { ram: [{ base: 0, size: '1G' }], cpus: [{ model: 'neoverse-n2' }] } })
    await vi.advanceTimersByTimeAsync(0)
    expect(workbench.scenarioLocked).toBe(true)
    expect(workbench.scenarioDraft).toBeNull()
    expect(boots.runs.length).toBe(runs)
  })

  it('switching scenario drops the edit of the previous one', async () => {
    const { workbench, boots } = await startedWorkbench()
    workbench.editScenario({ name: 'realm', machine: { ram: [{ base: 0, size: '1G' }], cpus: [{ model: 'neoverse-n2' }] } })
    await workbench.selectScenario('host.yaml')
    expect(workbench.scenarioDraft).toBeNull()
    expect(boots.runs.at(-1)?.scenario).toEqual({ path: 'host.yaml', text: 'name: host' })
  })

  it('asks the editor to reveal a line, again when the same line is clicked twice', async () => {
    const { workbench } = await startedWorkbench()
    workbench.revealLine(12)
    const first = workbench.reveal
    workbench.revealLine(12)
    expect(first?.line).toBe(12)
    expect(workbench.reveal?.line).toBe(12)
    expect(workbench.reveal).not.toEqual(first)
  })

  it('reports a failed save instead of losing it silently', async () => {
    const api = { ...fakeApi(), savePolicy: async () => Promise.reject(new Error('ENOSPC')) }
    const { workbench } = await startedWorkbench(api)
    workbench.edit('int x;')
    await vi.advanceTimersByTimeAsync(SAVE_DEBOUNCE_MS)
    expect(workbench.saveError).toBe('ENOSPC')
  })
})
