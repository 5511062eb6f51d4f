/*
 * The course: the labs the host offers (read with src/labs, as the command line
 * reads them), the learner's progress, and the lab being worked on with its
 * grade. Opening a lab puts the workbench into it; every finished boot of the
 * learner's text is then graded against all of the lab's machines in the
 * grading worker, so the goals follow the typing without slowing it.
 * Progress is saved through window.bootlab; a passed lab stays passed.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { type Lab, type LabCompletion, labCompletion, type LabError, type LabGrade, type LabScenario, loadLab } from '../../labs'
import { type BootlabApi, isHintCount, type LabRef, mergeProgress, type LabStatus, type Progress, STORAGE_KEY_PATTERN, type TextFile } from '../../shared/bootlab-api'
import type { BootClient } from '../boot-client'
import { markGradedNextFrame } from '../perf-marks'
import type { GradeInput, GradeOutcome } from '../workers/boot-protocol'
import { BASE_POLICY_PATH, useKernelResourcesStore } from './kernel-resources'
import { type LabSession, useWorkbenchStore } from './workbench'

export interface LabsDeps {
  api: BootlabApi
  grader: Pick<BootClient<GradeInput, GradeOutcome>, 'run'>
  /** The learner's answers to a lab's questions (the report store keeps them); read reactively. */
  answers?: (labId: string) => string[]
  /**
   * Where earlier versions kept the hints revealed per lab (localStorage): read once and merged
   * into the progress record, which now keeps the counts (shared with `bootlab hint`).
   */
  storage?: Pick<Storage, 'getItem' | 'setItem'>
}

/** Earlier versions' hint counts in localStorage (see LabsDeps.storage). */
export const HINTS_KEY = 'bootlab:hints'

/** A lab's status in words, the same in the course list and the open lab's header. */
export const LAB_STATUS_TEXT: Record<LabStatus, string> = { 'not-started': 'not started', 'in-progress': 'in progress', passed: 'passed' }

/** The stored hint counts that make sense (lab ids, whole numbers); an unreadable entry reads as none. */
export function readHints(text: string | null): Record<string, number> {
  try {
    const data: unknown = JSON.parse(text ?? '{}')
    if (!data || typeof data !== 'object') return {}
    // The counts the progress record accepts (isHintCount), so merging them can never make it unsavable.
    return Object.fromEntries(Object.entries(data).filter(([id, n]) => STORAGE_KEY_PATTERN.test(id) && isHintCount(n)))
  } catch {
    return {}
  }
}

/** A lab folder the host listed: loaded, or the problems that kept it from loading. */
export interface LabEntry {
  ref: LabRef
  lab: Lab | null
  errors: LabError[]
}

/**
 * The workbench session for a lab: its start.c, the kernel states it may build on, its machines as
 * files (graded), and the other machines a question may send the learner to (`bundled`, the app's
 * scenario files, less the ones the lab lists).
 */
export function labSession(lab: Lab, bundled: readonly TextFile[] = []): LabSession {
  // Parsed machines, variants included, written as JSON (which YAML reads) under the scenario's name.
  const asFile = (s: LabScenario): TextFile => ({ path: `${s.name}.yaml`, text: JSON.stringify(s.scenario) })
  const scenarios = lab.scenarios.map(asFile)
  const own = lab.otherScenarios.map(asFile)
  const taken = new Set([...scenarios, ...own].map((s) => s.path))
  return {
    id: lab.id,
    start: { path: lab.start.file, text: lab.start.text },
    kernelStates: lab.kernelStates.map((p) => ({ path: p.file, text: p.text })),
    scenarios,
    otherScenarios: [...own, ...bundled.filter((s) => !taken.has(s.path))],
    machineLocked: lab.machine === 'locked',
    ...(lab.compareWith ? { compareWith: lab.compareWith.file } : {}),
  }
}

export const useLabsStore = defineStore('labs', () => {
  const resources = useKernelResourcesStore()
  const workbench = useWorkbenchStore()
  let deps: LabsDeps | null = null
  let gradesInFlight = 0

  /** In course order; labs that failed to load last. Shallow: a Lab is plain data handed to the worker as is. */
  const entries = shallowRef<LabEntry[]>([])
  const loadError = ref<string | null>(null)
  /** Why saved progress was unreadable and where it was kept (Progress.notice), shown until the labs are reloaded. */
  const progressNotice = ref<string | null>(null)
  const progress = ref<Progress>({ labs: {} })
  const grade = shallowRef<LabGrade | null>(null)
  /** The policy text `grade` was computed from. */
  const gradedText = ref<string | null>(null)
  const grading = ref(false)
  const gradeError = ref<string | null>(null)
  /** Why the shown grade is not the current text's: its policy stops with an error on one of the lab's machines. */
  const gradeHeld = ref<string | null>(null)
  /** The editor's text was graded and does not compile: there are no goals to show until it does (the editor marks why). */
  const waitingForCompile = ref(false)
  /** Bumped by open() and close(): a grade asked for before belongs to another session and is dropped. */
  let session = 0
  /** The text whose grade was last asked for, with the session and the lab it was asked for (a reload of the labs gives new ones). */
  let gradeAsked: { text: string; session: number; lab: Lab } | null = null
  /** How many hints of each lab the learner has revealed. */
  const hintsShown = ref<Record<string, number>>({})
  const solutionShown = ref(false)

  /** The lab the workbench is in (the workbench can leave it, e.g. when a kernel state is picked). */
  const current = computed(() => {
    const id = workbench.lab?.id
    return (id && entries.value.find((e) => e.ref.id === id)?.lab) || null
  })
  const statusOf = (id: string): LabStatus => progress.value.labs[id] ?? 'not-started'
  const passedCount = computed(() => entries.value.filter((e) => statusOf(e.ref.id) === 'passed').length)
  const hints = computed(() => (current.value ? current.value.hints.slice(0, hintsShown.value[current.value.id] ?? 0) : []))
  /** The grade shown is of a lab other than the open one. */
  const showsAnotherLab = () => !!grade.value && grade.value.labId !== current.value?.id

  const completion = computed<LabCompletion | null>(() =>
    current.value ? labCompletion(current.value, showsAnotherLab() ? null : grade.value, deps?.answers?.(current.value.id) ?? []) : null,
  )
  /** The lab passed in this session (its "lab passed" moment); cleared when another lab opens. */
  const justPassed = ref<string | null>(null)
  /** The next lab of the course after the open one (by order), if it loaded. */
  const nextLab = computed(() => {
    const order = current.value?.order
    if (order === undefined) return null
    return entries.value.map((e) => e.lab).filter((l): l is Lab => !!l && l.order > order).sort((a, b) => a.order - b.order)[0] ?? null
  })
  /** The shown grade belongs to older text than the editor holds. */
  const gradeStale = computed(() => gradedText.value !== null && gradedText.value !== workbench.policyText)
  /**
   * The open lab was passed (a pass is kept), but the editor's text, graded, no longer finishes it
   * (a reset to start.c, an experiment): the pane says both rather than a bare "passed".
   */
  const passedEarlierOnly = computed(() => {
    const lab = current.value
    return !!lab && statusOf(lab.id) === 'passed' && !!grade.value && !grading.value && !gradeStale.value && completion.value?.done === false
  })

  function needDeps(): LabsDeps {
    if (!deps) throw new Error('labs used before connect()')
    return deps
  }

  function connect(given: LabsDeps): void {
    deps = given
    if (given.storage) hintsShown.value = readHints(given.storage.getItem(HINTS_KEY))
  }

  async function load(): Promise<void> {
    const { api } = needDeps()
    try {
      const [refs, saved] = await Promise.all([api.listLabs(), api.loadProgress()])
      // Hint counts: the progress record's, raised to any an earlier version kept in localStorage.
      const legacy = hintsShown.value
      const hints = { ...saved.hints }
      for (const [id, n] of Object.entries(legacy)) hints[id] = Math.max(hints[id] ?? 0, n)
      hintsShown.value = hints
      progress.value = { labs: saved.labs, ...(Object.keys(hints).length ? { hints } : {}) }
      progressNotice.value = saved.notice ?? null
      // Best effort: the lab list must load even when this one-time write fails (the merge is redone next time).
      if (Object.entries(legacy).some(([id, n]) => n > (saved.hints?.[id] ?? 0))) await api.saveProgress(progress.value).catch(() => {})
      const kernel = { policies: resources.policies, scenarios: resources.scenarios }
      const loaded = await Promise.all(
        refs.map(async (ref): Promise<LabEntry> => {
          try {
            const read = loadLab(await api.loadLab(ref.id), kernel)
            return { ref, lab: read.lab ?? null, errors: read.errors }
          } catch (e) {
            return { ref, lab: null, errors: [{ file: ref.id, path: '', message: e instanceof Error ? e.message : String(e) }] }
          }
        }),
      )
      const order = (e: LabEntry) => e.lab?.order ?? Number.MAX_SAFE_INTEGER
      entries.value = loaded.sort((a, b) => order(a) - order(b) || a.ref.id.localeCompare(b.ref.id))
      loadError.value = null
    } catch (e) {
      loadError.value = e instanceof Error ? e.message : String(e)
    }
  }

  /**
   * Saves the progress record, merged with what is stored (another tab or window may have passed a
   * lab or revealed a hint since this one read it); a failed write is said (the lab navigator shows
   * it), never in the learner's way.
   */
  async function saveProgress(what: string): Promise<void> {
    const { api } = needDeps()
    try {
      const stored = await api.loadProgress().catch(() => null)
      if (stored) {
        progress.value = mergeProgress(stored, progress.value)
        hintsShown.value = { ...progress.value.hints }
      }
      await api.saveProgress(progress.value)
    } catch (e) {
      progressNotice.value = `Your ${what} could not be saved (${e instanceof Error ? e.message : String(e)}); it holds for this session, but a reload may not show it.`
    }
  }

  async function setStatus(id: string, status: LabStatus): Promise<void> {
    progress.value = { ...progress.value, labs: { ...progress.value.labs, [id]: status } }
    await saveProgress('lab progress')
  }

  async function open(id: string): Promise<void> {
    const lab = entries.value.find((e) => e.ref.id === id)?.lab
    if (!lab) return
    session++
    grade.value = null
    gradedText.value = null
    gradeError.value = null
    gradeHeld.value = null
    waitingForCompile.value = false
    solutionShown.value = false
    justPassed.value = null
    if (statusOf(id) === 'not-started') await setStatus(id, 'in-progress')
    await workbench.openLab(labSession(lab, resources.scenarios))
    // A grade of the lab being left can land while the open waits (saving progress, loading the
    // text): the workbench was still in that lab. It is not this lab's.
    if (showsAnotherLab()) {
      grade.value = null
      gradedText.value = null
      gradeHeld.value = null
    }
  }

  /** Back to the free workbench on the base kernel. */
  async function close(): Promise<void> {
    session++
    await workbench.selectPolicy(resources.basePolicy?.path ?? BASE_POLICY_PATH)
  }

  async function gradeNow(text: string): Promise<void> {
    const lab = current.value
    const base = resources.basePolicy
    if (!lab || !base) return
    const mine = session
    const asked = { text, session: mine, lab }
    gradeAsked = asked
    gradesInFlight++
    grading.value = true
    try {
      const plain = ({ path, text }: TextFile): TextFile => ({ path, text })
      const answer = await needDeps().grader.run({ base: plain(base), policy: { path: lab.start.file, text }, lab })
      if (!answer || current.value !== lab || mine !== session) return
      if (answer.kind === 'crashed') {
        gradeError.value = answer.message.split('\n')[0]
        // The next good boot of this text asks again.
        if (gradeAsked === asked) gradeAsked = null
        return
      }
      gradeError.value = null
      // An edit undone while its grade ran: the grade shown is already the editor's text's, and a late
      // answer for the undone text must not replace it (nothing would ask for the editor's text again).
      // Dropped, it is no longer asked for either: a redo of that edit is graded afresh.
      if (text !== workbench.policyText && gradedText.value === workbench.policyText && grade.value) {
        if (gradeAsked === asked) gradeAsked = null
        return
      }
      // Text that does not compile, or stops with a policy error, keeps the last grade (marked stale),
      // as the views keep the last good boot; a run-time stop says why.
      gradeHeld.value = answer.compiles ? (answer.problem ?? null) : null
      waitingForCompile.value = !answer.compiles
      if (!answer.compiles || answer.problem) return
      grade.value = answer.grade
      gradedText.value = text
      if (text === workbench.policyText) markGradedNextFrame()
    } finally {
      grading.value = --gradesInFlight > 0
    }
  }

  // Grade each text of the open lab as it is typed, beside its boot: the grading worker runs while the
  // boot worker boots, so the goals land about when the verdict does, not a grade's time after it
  // (issue 16: keystroke → goals re-graded p95 < 50 ms). A text whose boot is held (it killed the page
  // last time) is not graded either, until the learner boots it again. A lab opened again (a new
  // session, same text) is graded again, and a good boot retries a grade that crashed.
  watch(
    () => [current.value, workbench.lab, workbench.policyText, workbench.bootHeld, workbench.goodBoot] as const,
    ([lab, , text, held]) => {
      // A boot landing while this text's grade runs must not ask again: the newer request would supersede
      // the one in flight (latest wins), and the goals would wait for two grades.
      const asked = gradeAsked?.text === text && gradeAsked.session === session && gradeAsked.lab === lab
      if (lab && workbench.policyPath && !held && !asked && !(text === gradedText.value && grade.value)) void gradeNow(text)
    },
  )

  // A lab is passed once done (goals, and answers for an explore lab); a passed lab stays passed.
  watch(
    () => completion.value?.done,
    async (done) => {
      const lab = current.value
      if (!done || !lab || statusOf(lab.id) === 'passed') return
      justPassed.value = lab.id
      await setStatus(lab.id, 'passed')
    },
  )

  /** One more hint of the open lab, counted in the progress record (a reload, the report and `bootlab hint` see it). */
  async function revealHint(): Promise<void> {
    const lab = current.value
    if (!lab) return
    hintsShown.value = { ...hintsShown.value, [lab.id]: Math.min(lab.hints.length, (hintsShown.value[lab.id] ?? 0) + 1) }
    progress.value = { ...progress.value, hints: hintsShown.value }
    await saveProgress('hint count')
  }

  /** A link in the instructions: https opens outside the app; window.bootlab refuses anything else. */
  async function openLink(url: string): Promise<void> {
    try {
      await needDeps().api.openExternal(url)
    } catch {
      // Not an https link: it opens nothing, as before.
    }
  }

  function showSolution(): void {
    if (current.value?.revealAnswers) solutionShown.value = true
  }

  /** Asked to show the lab's goals (the verdict's "see its goals"): the lab pane scrolls to them on each change. */
  const goalsAsked = ref(0)
  const showGoals = () => void goalsAsked.value++

  return {
    entries,
    loadError,
    progressNotice,
    progress,
    grade,
    gradedText,
    grading,
    gradeError,
    gradeHeld,
    waitingForCompile,
    hintsShown,
    solutionShown,
    current,
    passedCount,
    hints,
    gradeStale,
    completion,
    passedEarlierOnly,
    justPassed,
    nextLab,
    statusOf,
    connect,
    load,
    open,
    close,
    gradeNow,
    revealHint,
    openLink,
    showSolution,
    goalsAsked,
    showGoals,
  }
})
