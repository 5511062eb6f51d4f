import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { watch } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BootResult } from '../../src/core'
import type { LabGrade } from '../../src/labs'
import type { BootlabApi, KernelResources, LabFolder, Progress } from '../../src/shared/bootlab-api'
import { useKernelResourcesStore } from '../../src/renderer/stores/kernel-resources'
import { HINTS_KEY, labSession, readHints, useLabsStore } from '../../src/renderer/stores/labs'
import { doneWhen, labCompletion, loadLab, verdictExpectation } from '../../src/labs'
import { loadBundled } from '../labs/lab-fixtures'
import { ref } from 'vue'
import { useWorkbenchStore } from '../../src/renderer/stores/workbench'
import type { BootInput, BootOutcome, GradeInput, GradeOutcome } from '../../src/renderer/workers/boot-protocol'

const ROOT = join(import.meta.dirname, '../..')
const filesOf = (dir: string) => readdirSync(join(ROOT, dir)).map((path) => ({ path, text: readFileSync(join(ROOT, dir, path), 'utf8') }))
const RESOURCES: KernelResources = { policies: filesOf('resources/policies'), scenarios: filesOf('resources/scenarios') }
const labFolder = (id: string): LabFolder => ({ id, files: filesOf(`labs/${id}`) })

function fakeApi(progress: Progress = { labs: {} }) {
  const saved: Record<string, string> = {}
  const api: BootlabApi & { saved: typeof saved; progress: Progress } = {
    host: 'web',
    saved,
    progress,
    loadKernelResources: async () => RESOURCES,
    listLabs: async () => [
      { id: '04-blackout-windows', origin: 'bundled' },
      { id: '03-realm-bug', origin: 'bundled' },
      { id: 'zz-broken', origin: 'opened' },
    ],
    loadLab: async (id) => (id === 'zz-broken' ? { id, files: [{ path: 'README.md', text: '# no manifest' }] } : labFolder(id)),
    loadPolicy: async (key) => saved[key] ?? null,
    savePolicy: async (key, text) => void (saved[key] = text),
    loadProgress: async () => api.progress,
    saveProgress: async (p) => void (api.progress = p),
    exportFile: async () => ({ saved: false }),
    exportPdf: async () => ({ saved: false }),
    openExternal: async () => {},
    onMenuCommand: () => {},
  }
  return api
}

const booted: BootOutcome = { kind: 'booted', diagnostics: [], result: { diagnostics: [], steps: [], snapshots: [], verdict: { status: 'booted', headline: '', causes: [] } } as unknown as BootResult }

function gradeOf(input: GradeInput, passed: boolean): LabGrade {
  return {
    labId: input.lab.id,
    policyName: 'start',
    passed,
    score: passed ? 1 : 0,
    total: 1,
    goals: [{ name: 'g', type: 'verdict', weight: 1, passed, message: 'why', evidence: passed ? [] : ['x in boot of realm'], checks: [] }],
    boots: [],
  }
}

type Grader = Awaited<ReturnType<typeof started>>['grader']

/** The grader's next answer (a pass) waits until the returned function is called: a grade still running while other things happen. */
function holdNextGrade(grader: Grader): () => void {
  let release: () => void = () => {}
  grader.run.mockImplementationOnce(async (input: GradeInput) => {
    grader.runs.push(input)
    await new Promise<void>((r) => (release = r))
    return { kind: 'graded' as const, grade: gradeOf(input, true), compiles: true }
  })
  return () => release()
}

async function started(api = fakeApi(), passes: (text: string) => boolean = () => false) {
  const resources = useKernelResourcesStore()
  await resources.load(api)
  const boots = { runs: [] as BootInput[], run: vi.fn(async (input: BootInput) => (boots.runs.push(input), { ...booted })) }
  const grader = { runs: [] as GradeInput[], run: vi.fn(async (input: GradeInput): Promise<GradeOutcome> => (grader.runs.push(input), { kind: 'graded' as const, grade: gradeOf(input, passes(input.policy.text)), compiles: true })) }
  const workbench = useWorkbenchStore()
  workbench.connect({ api, boots })
  const labs = useLabsStore()
  labs.connect({ api, grader })
  await workbench.start()
  await labs.load()
  return { api, boots, grader, workbench, labs }
}

beforeEach(() => {
  setActivePinia(createPinia())
  vi.useFakeTimers()
})
afterEach(() => vi.useRealTimers())

describe('labs store', () => {
  it('shows why saved progress was set aside, and never saves the notice with the progress', async () => {
    const notice = 'Your saved lab progress could not be read: it is not valid JSON. It was kept as progress.json.corrupt-1 and progress starts afresh; your policies are not affected.'
    const { api, labs } = await started(fakeApi({ labs: {}, notice }))
    expect(labs.progressNotice).toBe(notice)
    await labs.open('04-blackout-windows')
    expect(api.progress).toEqual({ labs: { '04-blackout-windows': 'in-progress' } })
  })

  it('lists the labs in course order, a broken folder last with its problems', async () => {
    const { labs } = await started()
    expect(labs.entries.map((e) => e.ref.id)).toEqual(['03-realm-bug', '04-blackout-windows', 'zz-broken'])
    expect(labs.entries[2].lab).toBeNull()
    expect(labs.entries[2].errors[0].message).toMatch(/no lab.yaml/)
    expect(labs.passedCount).toBe(0)
  })

  it('opening a lab boots start.c on its first machine, marks it in progress and grades the boot', async () => {
    const { labs, workbench, boots, grader, api } = await started()
    await labs.open('04-blackout-windows')
    expect(workbench.lab?.id).toBe('04-blackout-windows')
    expect(workbench.policyPath).toBe('start.c')
    expect(boots.runs.at(-1)?.policy.text).toBe(labs.current!.start.text)
    expect(boots.runs.at(-1)?.scenario.path).toBe(`${labs.current!.scenarios[0].name}.yaml`)
    expect(boots.runs.at(-1)?.kernelStates.map((k) => k.path)).toContain('series.c')
    expect(api.progress.labs['04-blackout-windows']).toBe('in-progress')
    await vi.waitFor(() => expect(labs.grade).not.toBeNull())
    expect(grader.runs.at(-1)?.lab.id).toBe('04-blackout-windows')
    expect(() => structuredClone(grader.runs.at(-1))).not.toThrow()
    expect(labs.grade?.goals[0].evidence).toEqual(['x in boot of realm'])
  })

  it('the learner text is saved per lab, graded after each boot, and a pass is kept', async () => {
    const { labs, workbench, api } = await started(fakeApi(), (text) => text.includes('fixed'))
    await labs.open('04-blackout-windows')
    workbench.edit('int fixed;')
    await vi.advanceTimersByTimeAsync(0)
    await vi.waitFor(() => expect(labs.grade?.passed).toBe(true))
    expect(labs.gradedText).toBe('int fixed;')
    expect(api.progress.labs['04-blackout-windows']).toBe('passed')
    expect(labs.passedCount).toBe(1)
    expect(labs.passedEarlierOnly).toBe(false)
    workbench.edit('int broken;')
    await vi.advanceTimersByTimeAsync(2000)
    await vi.waitFor(() => expect(labs.grade?.passed).toBe(false))
    expect(labs.statusOf('04-blackout-windows')).toBe('passed')
    // Still passed in the course, but the pane must not say so as if the text in the editor passed.
    expect(labs.passedEarlierOnly).toBe(true)
    expect(api.saved['04-blackout-windows']).toBe('int broken;')
  })

  it("a lab's text is graded as it is typed, beside its boot: the grader has it while the boot is still in flight", async () => {
    const { labs, workbench, boots, grader } = await started(fakeApi(), (text) => text.includes('fixed'))
    await labs.open('04-blackout-windows')
    await vi.waitFor(() => expect(labs.grade).not.toBeNull())
    // From here on no boot ever answers.
    boots.run.mockImplementation((input: BootInput) => (boots.runs.push(input), new Promise(() => {})))
    workbench.edit('int fixed;')
    await vi.advanceTimersByTimeAsync(0)
    expect(boots.runs.at(-1)?.policy.text).toBe('int fixed;')
    expect(grader.runs.at(-1)?.policy.text).toBe('int fixed;')
    await vi.waitFor(() => expect(labs.grade?.passed).toBe(true))
    expect(labs.gradedText).toBe('int fixed;')
  })

  it('an edit is graded once: its boot landing while its grade is in flight does not ask again (a second request supersedes the first, doubling the wait)', async () => {
    const { labs, workbench, grader } = await started(fakeApi(), (text) => text.includes('fixed'))
    await labs.open('04-blackout-windows')
    await vi.waitFor(() => expect(labs.grade).not.toBeNull())
    const release = holdNextGrade(grader)
    const before = workbench.goodBoot
    workbench.edit('int fixed;')
    await vi.advanceTimersByTimeAsync(0)
    // The boot of the text has landed (a new good boot) while its grade is still running.
    await vi.waitFor(() => expect(workbench.goodBoot).not.toBe(before))
    await vi.advanceTimersByTimeAsync(0)
    release()
    await vi.waitFor(() => expect(labs.gradedText).toBe('int fixed;'))
    expect(grader.runs.filter((r) => r.policy.text === 'int fixed;').length).toBe(1)
  })

  it("an edit undone while its grade runs: the late grade does not replace the grade of the text the editor holds again", async () => {
    const { labs, workbench, grader } = await started(fakeApi(), (text) => text.includes('fixed'))
    await labs.open('04-blackout-windows')
    const start = labs.current!.start.text
    await vi.waitFor(() => expect(labs.gradedText).toBe(start))
    const shown = labs.grade
    const release = holdNextGrade(grader)
    const before = workbench.goodBoot
    workbench.edit(start + '\nint fixed;')
    await vi.advanceTimersByTimeAsync(0)
    // Undo: the editor holds the graded text again, and its boot lands, while the edit's grade still runs.
    workbench.edit(start)
    await vi.advanceTimersByTimeAsync(0)
    await vi.waitFor(() => expect(workbench.goodBoot).not.toBe(before))
    release()
    await vi.waitFor(() => expect(labs.grading).toBe(false))
    expect(labs.gradedText).toBe(start)
    expect(labs.grade).toBe(shown)
    expect(labs.gradeStale).toBe(false)
  })

  it('an edit undone while its grade runs, then redone: the redone text is graded', async () => {
    const { labs, workbench, grader } = await started(fakeApi(), (text) => text.includes('fixed'))
    await labs.open('04-blackout-windows')
    const start = labs.current!.start.text
    await vi.waitFor(() => expect(labs.gradedText).toBe(start))
    const release = holdNextGrade(grader)
    const edited = start + '\nint fixed;'
    workbench.edit(edited)
    await vi.advanceTimersByTimeAsync(0)
    workbench.edit(start)
    await vi.advanceTimersByTimeAsync(0)
    release()
    await vi.waitFor(() => expect(labs.grading).toBe(false))
    workbench.edit(edited)
    await vi.waitFor(() => expect(labs.gradedText).toBe(edited))
    expect(labs.grade?.passed).toBe(true)
    expect(labs.gradeStale).toBe(false)
  })

  it("a grade of the lab being left, landing while another lab opens, is never the new lab's: it neither shows there nor passes it", async () => {
    const api = fakeApi()
    const save = api.saveProgress
    const { labs, workbench, boots } = await started(api, (text) => text.includes('fixed'))
    await labs.open('03-realm-bug')
    await vi.waitFor(() => expect(labs.grade).not.toBeNull())
    // Writing progress.json takes a while (the desktop app), and the edit's boot lands meanwhile.
    api.saveProgress = async (p) => (await new Promise((r) => setTimeout(r, 30)), save(p))
    boots.run.mockImplementation(async (input: BootInput) => (boots.runs.push(input), await new Promise((r) => setTimeout(r, 5)), { ...booted }))
    workbench.edit('int fixed;')
    await vi.advanceTimersByTimeAsync(0)
    const opening = labs.open('04-blackout-windows')
    await vi.advanceTimersByTimeAsync(100)
    await opening
    await vi.advanceTimersByTimeAsync(100)
    expect(labs.current?.id).toBe('04-blackout-windows')
    expect(labs.grade?.labId ?? '04-blackout-windows').toBe('04-blackout-windows')
    expect(api.progress.labs['04-blackout-windows']).not.toBe('passed')
    expect(labs.justPassed).toBeNull()
  })

  it('a second tab, loaded before the first passed a lab, never writes that pass away: each save merges with what is stored', async () => {
    const api = fakeApi()
    // Tab B opens first, on lab 03.
    const b = (await started(api)).labs
    await b.open('03-realm-bug')
    // Tab A (its own page, the same storage) passes lab 04 and reveals a hint of it.
    setActivePinia(createPinia())
    const a = (await started(api, () => true)).labs
    await a.open('04-blackout-windows')
    await vi.waitFor(() => expect(api.progress.labs['04-blackout-windows']).toBe('passed'))
    await a.revealHint()
    // Tab B, still holding the record it read before, reveals a hint and opens another lab.
    await b.revealHint()
    await b.open('04-blackout-windows')
    expect(api.progress.labs).toMatchObject({ '03-realm-bug': 'in-progress', '04-blackout-windows': 'passed' })
    expect(api.progress.hints).toMatchObject({ '03-realm-bug': 1, '04-blackout-windows': 1 })
    // And tab B now counts it.
    expect(b.passedCount).toBe(1)
  })

  it('reloading the labs while a grade runs asks again for the reloaded lab, so the goals do not wait on an answer that is dropped', async () => {
    const { labs, workbench, grader } = await started(fakeApi(), (text) => text.includes('fixed'))
    await labs.open('04-blackout-windows')
    await vi.waitFor(() => expect(labs.grade).not.toBeNull())
    const release = holdNextGrade(grader)
    workbench.edit('int fixed;')
    await vi.advanceTimersByTimeAsync(0)
    const asked = grader.runs.length
    await labs.load()
    await vi.advanceTimersByTimeAsync(0)
    release()
    await vi.waitFor(() => expect(labs.gradedText).toBe('int fixed;'))
    expect(grader.runs.length).toBe(asked + 1)
    expect(grader.runs.at(-1)?.lab).toBe(labs.current)
  })

  it('text that does not compile keeps the last grade, marked stale', async () => {
    const { labs, workbench, grader } = await started(fakeApi(), (text) => text.includes('fixed'))
    grader.run.mockImplementation(async (input: GradeInput) => (grader.runs.push(input), { kind: 'graded' as const, grade: gradeOf(input, false), compiles: !input.policy.text.includes('= ;') }))
    await labs.open('04-blackout-windows')
    await vi.waitFor(() => expect(labs.gradedText).toBe(labs.current!.start.text))
    const shown = labs.grade
    workbench.edit('int broken = ;')
    await vi.advanceTimersByTimeAsync(0)
    expect(grader.runs.at(-1)?.policy.text).toBe('int broken = ;')
    expect(labs.grade).toBe(shown)
    expect(labs.gradeStale).toBe(true)
  })

  it('a lab reopened on text that does not compile says the goals wait for it to compile, not that a grade is coming', async () => {
    const { labs, grader } = await started(fakeApi())
    grader.run.mockImplementation(async (input: GradeInput) => (grader.runs.push(input), { kind: 'graded' as const, grade: gradeOf(input, false), compiles: false }))
    await labs.open('04-blackout-windows')
    await vi.waitFor(() => expect(labs.grading).toBe(false))
    expect(grader.runs.length).toBeGreaterThan(0)
    expect(labs.grade).toBeNull()
    expect(labs.waitingForCompile).toBe(true)
    // Text that compiles again is graded, and the wait is over.
    grader.run.mockImplementation(async (input: GradeInput) => (grader.runs.push(input), { kind: 'graded' as const, grade: gradeOf(input, true), compiles: true }))
    useWorkbenchStore().edit('int fine;')
    await vi.waitFor(() => expect(labs.grade).not.toBeNull())
    expect(labs.waitingForCompile).toBe(false)
  })

  it('opening the open lab again grades it again (a new session, the same text)', async () => {
    const { labs, grader } = await started()
    await labs.open('04-blackout-windows')
    await vi.waitFor(() => expect(labs.grade).not.toBeNull())
    const before = grader.runs.length
    await labs.open('04-blackout-windows')
    await vi.waitFor(() => expect(labs.grade).not.toBeNull())
    expect(grader.runs.length).toBeGreaterThan(before)
  })

  it("a grade asked for before another lab opened is dropped, never shown in the new lab", async () => {
    const { labs, grader } = await started()
    await labs.open('04-blackout-windows')
    await vi.waitFor(() => expect(labs.grade).not.toBeNull())
    // The next grade of lab 04 answers only after lab 03 has been opened.
    const release = holdNextGrade(grader)
    useWorkbenchStore().edit('int late;')
    await vi.advanceTimersByTimeAsync(0)
    expect(grader.runs.at(-1)?.lab.id).toBe('04-blackout-windows')
    const shown: string[] = []
    const stop = watch(() => labs.grade, (g) => g && shown.push(g.labId), { flush: 'sync' })
    const opening = labs.open('03-realm-bug')
    release()
    await opening
    await vi.waitFor(() => expect(labs.grade?.labId).toBe('03-realm-bug'))
    stop()
    expect(shown).not.toContain('04-blackout-windows')
    expect(labs.gradedText).not.toBe('int late;')
  })

  it('a text that stops with a policy error on a lab machine keeps the last grade and says why; a crashed grade is retried by the next good boot', async () => {
    const { labs, workbench, grader } = await started()
    await labs.open('04-blackout-windows')
    await vi.waitFor(() => expect(labs.grade).not.toBeNull())
    const shown = labs.grade
    grader.run.mockImplementation(async (input: GradeInput) => (
      grader.runs.push(input),
      input.policy.text.includes('loop')
        ? { kind: 'graded' as const, grade: gradeOf(input, false), compiles: true, problem: 'start.c:3:9: step budget of 204000 exceeded: does a loop never end?' }
        : { kind: 'graded' as const, grade: gradeOf(input, true), compiles: true }
    ))
    workbench.edit('int loop;')
    await vi.advanceTimersByTimeAsync(0)
    await vi.waitFor(() => expect(labs.gradeHeld).toMatch(/step budget/))
    expect(labs.grade).toBe(shown)
    expect(labs.gradeStale).toBe(true)

    // The grader crashes once; the good boot of the same text asks again.
    grader.run.mockImplementationOnce(async (input: GradeInput) => (grader.runs.push(input), { kind: 'crashed' as const, message: 'worker died' }))
    workbench.edit('int fine;')
    await vi.advanceTimersByTimeAsync(0)
    await vi.waitFor(() => expect(labs.gradedText).toBe('int fine;'))
    expect(grader.runs.filter((r) => r.policy.text === 'int fine;').length).toBe(2)
    expect(labs.gradeError).toBeNull()
    expect(labs.gradeHeld).toBeNull()
  })

  it('an explore lab whose starting policy passes its goals is not done on opening: only once every question is answered', async () => {
    const answers: Record<string, string[]> = {}
    const api = fakeApi()
    const { labs } = await started(api, () => true)
    // The report store keeps answers; the labs store reads them through its deps, reactively in the app.
    const reactiveAnswers = ref(answers)
    labs.connect({ api, grader: { run: async (input: GradeInput) => ({ kind: 'graded' as const, grade: gradeOf(input, true), compiles: true }) }, answers: (id) => reactiveAnswers.value[id] ?? [] })
    await labs.open('03-realm-bug')
    await vi.waitFor(() => expect(labs.grade?.passed).toBe(true))
    const questions = labs.current!.questions.length
    expect(labs.completion).toEqual({ goalsPassed: true, answered: 0, questions, done: false })
    expect(labs.statusOf('03-realm-bug')).toBe('in-progress')
    reactiveAnswers.value = { '03-realm-bug': Array.from({ length: questions }, (_, i) => (i === 0 ? '  ' : 'because')) }
    expect(labs.completion?.answered).toBe(questions - 1)
    reactiveAnswers.value = { '03-realm-bug': Array.from({ length: questions }, () => 'because') }
    await vi.waitFor(() => expect(labs.statusOf('03-realm-bug')).toBe('passed'))
    expect(labs.justPassed).toBe('03-realm-bug')
    expect(labs.nextLab?.id).toBe('04-blackout-windows')
  })

  it("a verdict is what the lab expects once the goals pass: the manifest's expectedVerdict (lab 5's crash), else a clean boot", () => {
    const lab5 = loadLab(labFolder('05-move-swiotlb'), { policies: RESOURCES.policies, scenarios: RESOURCES.scenarios }).lab!
    expect(lab5.expectedVerdict?.status).toEqual(['failed'])
    expect(verdictExpectation(lab5, 'failed', false).expected).toBe(false)
    const crash = verdictExpectation(lab5, 'failed', true)
    expect(crash.expected).toBe(true)
    expect(crash.text).toMatch(/^expected: .*lab 8/)
    expect(verdictExpectation(lab5, 'booted', true).expected).toBe(false)
    const lab4 = { ...lab5, expectedVerdict: undefined, order: 4 }
    expect(verdictExpectation(lab4, 'booted', true)).toEqual({ expected: true, text: 'what lab 4 expects' })
    expect(labCompletion({ ...lab5, kind: 'fix' }, null, []).done).toBe(false)
  })

  it('what finishes a lab is said as the completion rule decides it: answers are asked for exactly where passing goals alone do not finish it', () => {
    const passing = { passed: true } as LabGrade
    const kinds = new Set<string>()
    for (const id of readdirSync(join(ROOT, 'labs'))) {
      const lab = loadBundled(id)
      kinds.add(lab.kind)
      const needsAnswers = !labCompletion(lab, passing, []).done
      expect(labCompletion(lab, passing, lab.questions.map(() => 'an answer')).done, id).toBe(true)
      expect(/every question has an answer/.test(doneWhen(lab)), id).toBe(needsAnswers)
      expect(/Answers are optional/.test(doneWhen(lab)), id).toBe(!needsAnswers && lab.questions.length > 0)
    }
    expect([...kinds].sort()).toEqual(['explore', 'fix'])
  })

  it('reopening a lab restores the saved text; reset goes back to start.c', async () => {
    const api = fakeApi()
    api.saved['03-realm-bug'] = 'int mine;'
    const { labs, workbench } = await started(api)
    await labs.open('03-realm-bug')
    expect(workbench.policyText).toBe('int mine;')
    expect(workbench.edited).toBe(true)
    await workbench.resetPolicy()
    expect(workbench.policyText).toBe(labs.current!.start.text)
    expect(api.saved['03-realm-bug']).toBe(labs.current!.start.text)
  })

  it('hints one at a time, the solution only where the lab reveals answers, and leaving the lab', async () => {
    const { labs, workbench } = await started()
    await labs.open('03-realm-bug')
    const all = labs.current!.hints
    expect(labs.hints).toEqual([])
    await labs.revealHint()
    expect(labs.hints).toEqual(all.slice(0, 1))
    for (let i = 0; i < all.length + 2; i++) await labs.revealHint()
    expect(labs.hints).toEqual(all)
    labs.showSolution()
    expect(labs.solutionShown).toBe(labs.current!.revealAnswers)
    await labs.close()
    expect(labs.current).toBeNull()
    expect(workbench.lab).toBeNull()
    expect(workbench.policyPath).toBe('unpatched.c')
    expect(workbench.scenarioPath).toBe('realm.yaml')
  })

  it('hints revealed are counted in the progress record, so a reload, the report and `bootlab hint` keep the count', async () => {
    const api = fakeApi()
    const { labs } = await started(api)
    await labs.open('04-blackout-windows')
    await labs.revealHint()
    await labs.revealHint()
    expect(api.progress).toEqual({ labs: { '04-blackout-windows': 'in-progress' }, hints: { '04-blackout-windows': 2 } })
    setActivePinia(createPinia())
    const again = await started(api)
    await again.labs.open('04-blackout-windows')
    expect(again.labs.hints).toHaveLength(2)
    expect(again.labs.hintsShown).toEqual({ '04-blackout-windows': 2 })
    // A status change keeps the counts.
    expect(api.progress.hints).toEqual({ '04-blackout-windows': 2 })
  })

  it("an earlier version's hint counts in localStorage are merged into the progress record once", async () => {
    const storage = { getItem: (k: string) => (k === HINTS_KEY ? '{"04-blackout-windows": 3, "03-realm-bug": 1}' : null), setItem: () => {} }
    const api = fakeApi({ labs: {}, hints: { '03-realm-bug': 2 } })
    const resources = useKernelResourcesStore()
    await resources.load(api)
    const labs = useLabsStore()
    labs.connect({ api, grader: { run: async (input: GradeInput) => ({ kind: 'graded' as const, grade: gradeOf(input, false), compiles: true }) }, storage })
    await labs.load()
    expect(labs.hintsShown).toEqual({ '04-blackout-windows': 3, '03-realm-bug': 2 })
    expect(api.progress.hints).toEqual({ '04-blackout-windows': 3, '03-realm-bug': 2 })
    expect(readHints('{"04-blackout-windows": 2.5, "../x": 1, "ok-lab": 3}')).toEqual({ 'ok-lab': 3 })
    expect(readHints('not json')).toEqual({})
  })

  it('hint counts from an earlier version are merged only when the progress record accepts them, and a failed save never blocks the lab list', async () => {
    const storage = { getItem: (k: string) => (k === HINTS_KEY ? '{"04-blackout-windows": 5000, "03-realm-bug": 2}' : null), setItem: () => {} }
    const api = fakeApi()
    api.saveProgress = async () => {
      throw new Error('disk full')
    }
    const resources = useKernelResourcesStore()
    await resources.load(api)
    const labs = useLabsStore()
    labs.connect({ api, grader: { run: async (input: GradeInput) => ({ kind: 'graded' as const, grade: gradeOf(input, false), compiles: true }) }, storage })
    await labs.load()
    expect(labs.loadError).toBeNull()
    expect(labs.entries.length).toBeGreaterThan(0)
    expect(labs.hintsShown).toEqual({ '03-realm-bug': 2 })
    // Revealing a hint whose count cannot be saved shows the hint and says the count may be lost.
    useWorkbenchStore().connect({ api, boots: { run: vi.fn(async () => ({ ...booted })) } })
    await useWorkbenchStore().start()
    // Opening a lab whose status cannot be saved still opens it, and says so.
    await labs.open('03-realm-bug')
    expect(labs.current?.id).toBe('03-realm-bug')
    expect(labs.progressNotice).toMatch(/lab progress could not be saved \(disk full\)/)
    await labs.revealHint()
    expect(labs.hintsShown['03-realm-bug']).toBe(3)
    expect(labs.progressNotice).toMatch(/hint count could not be saved \(disk full\)/)
  })

  it('a lab session names its machines by scenario name, variants included', async () => {
    const { labs } = await started()
    const lab = labs.entries.find((e) => e.ref.id === '04-blackout-windows')!.lab!
    const session = labSession(lab)
    expect(session.scenarios.length).toBe(lab.scenarios.length)
    expect(session.scenarios.some((s) => /seed/.test(s.path))).toBe(true)
    expect(session.start.path).toBe('start.c')
    expect(labSession(lab).otherScenarios).toEqual([])
  })

  it('a lab session also offers, ungraded, every machine its README or questions name: the lab folder\'s unlisted ones, then the bundled ones', () => {
    const ids = readdirSync(join(ROOT, 'labs'))
    const labsById = new Map(ids.map((id) => [id, loadBundled(id)]))
    const machines = new Set([
      ...RESOURCES.scenarios.map((s) => s.path.replace(/\.yaml$/, '')),
      ...[...labsById.values()].flatMap((l) => [...l.scenarios, ...l.otherScenarios].map((s) => s.name)),
    ])
    for (const [id, lab] of labsById) {
      const session = labSession(lab, RESOURCES.scenarios)
      const offered = new Set([...session.scenarios, ...session.otherScenarios!].map((s) => s.path.replace(/\.yaml$/, '')))
      const named = [lab.readme, ...lab.questions.map((q) => q.prompt)].flatMap((t) => [...t.matchAll(/`([A-Za-z0-9._/-]+)`/g)].map((m) => m[1].replace(/^scenarios\//, '').replace(/\.ya?ml$/, '')))
      for (const name of named.filter((n) => machines.has(n))) expect(offered.has(name), `${id} names ${name}`).toBe(true)
      // Graded and ungraded never overlap; the graded ones come first, as the lab lists them.
      expect(session.scenarios.map((s) => s.path)).toEqual(lab.scenarios.map((s) => `${s.name}.yaml`))
      expect(session.otherScenarios!.filter((s) => session.scenarios.some((g) => g.path === s.path))).toEqual([])
    }
    const lab10 = labSession(labsById.get('10-rodata-off-hole')!, RESOURCES.scenarios)
    expect(lab10.otherScenarios![0].path).toBe('realm-rodata-off-no-bbml2.yaml')
  })

  it('the verdict of a machine the lab does not grade is not judged against the lab', async () => {
    const { labs, workbench } = await started()
    await labs.open('04-blackout-windows')
    expect(workbench.lab?.id).toBe('04-blackout-windows')
    expect(workbench.scenarioGraded).toBe(true)
    await workbench.selectScenario('host.yaml')
    expect(workbench.scenarioPath).toBe('host.yaml')
    expect(workbench.scenarioGraded).toBe(false)
  })
})
