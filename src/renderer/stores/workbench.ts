/*
 * The workbench session: which kernel policy the learner edits and its text,
 * which scenario boots, and the latest boot outcome. The session is either the
 * free workbench over the bundled kernel states, or a lab (its start.c, its
 * kernel states and machines; stores/labs.ts opens it). Boots run in the boot
 * worker (BootClient); this store only decides when to ask and keeps the
 * newest answer. The learner's text is saved per policy, or per lab, through
 * window.bootlab.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { BootResult, Diagnostic, ScenarioInput } from '../../core'
import type { BootlabApi, TextFile } from '../../shared/bootlab-api'
import type { BootClient } from '../boot-client'
import { markEdit } from '../perf-marks'
import type { BootInput, BootOutcome } from '../workers/boot-protocol'
import { DEFAULT_SCENARIO_PATH, useKernelResourcesStore } from './kernel-resources'

/** Quiet time after a keystroke before saving the learner's text. */
export const SAVE_DEBOUNCE_MS = 1000
/** After this long without an answer, the views say they show an older boot while the newer one runs. */
export const SLOW_BOOT_MS = 400

export interface WorkbenchDeps {
  api: BootlabApi
  boots: Pick<BootClient, 'run'>
  /** Where the "boot in flight" sentinel lives (localStorage); without it no boot is ever held back. */
  sentinel?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>
}

/**
 * The session a share link opens: saved under a key of its own per link (named by what the link
 * holds), so it never overwrites the learner's own text, a reload of the link brings back the
 * edits made to it, and two tabs on two links never offer each other their text.
 */
export function sharedSessionKey(policy: TextFile, scenario: TextFile): string {
  const text = [policy.path, policy.text, scenario.path, scenario.text].join('\0')
  return `shared-${fnv1a(text).toString(16).padStart(8, '0')}-${text.length.toString(36)}`
}

/**
 * Issue 11: a policy whose boot killed the page (or the worker) would kill it again on every reopen,
 * because the autosave already stored it. Before each boot the session key and a hash of the text are
 * stored under BOOT_SENTINEL_KEY and cleared when the boot's answer arrives; a session opened on the same
 * text while the sentinel is still there is shown without booting.
 */
export const BOOT_SENTINEL_KEY = 'bootlab:boot-in-flight'

/** FNV-1a over the UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/** FNV-1a with the length: enough to recognise the same text again. */
export function textHash(text: string): string {
  return `${text.length}:${fnv1a(text).toString(16)}`
}

/** Where the learner's text of a bundled policy edited outside a lab is saved: `workbench-patched-v1`. */
export const workbenchPolicyKey = (policyPath: string) => `workbench-${policyPath.replace(/\.c$/, '')}`

/** A lab opened in the workbench; the learner's text is saved under the lab's id. */
export interface LabSession {
  id: string
  /** start.c: what the learner edits first and what Reset restores. */
  start: TextFile
  /** What `Builds on:` may name: the lab's own .c files and the bundled kernel states. */
  kernelStates: TextFile[]
  /** The lab's machines, variants included, as scenario files: the ones its goals are graded on. */
  scenarios: TextFile[]
  /** Machines offered beside them, not graded: the lab folder's unlisted ones, then the bundled ones it does not list. */
  otherScenarios?: TextFile[]
  /** The lab shows its machines as shipped: no scenario edits. */
  machineLocked: boolean
  /** The kernel state (a path of kernelStates) the lab measures the learner's policy against, if it names one. */
  compareWith?: string
  /** A share link's session (see sharedSessionKey), not a lab. */
  shared?: boolean
}

/** A boot that ran the policy, kept for the views while newer text does not boot. */
export interface GoodBoot {
  outcome: BootOutcome
  result: BootResult
  /** When it arrived (the stale note shows the time). */
  at: Date
  text: string
  scenarioText: string
}

/** Why an outcome that is not a good boot leaves the views on the previous one, in the learner's words. */
export function behindReason(outcome: BootOutcome, file: string | null): string {
  if (outcome.kind === 'crashed') return 'the simulator failed on your latest text'
  if (outcome.kind === 'scenario-invalid') return 'the edited scenario is not valid yet'
  const all = [...outcome.diagnostics, ...outcome.result.diagnostics]
  const error = all.find((d) => d.severity === 'error' && d.file === file) ?? all.find((d) => d.severity === 'error')
  if (!error) return 'your latest text did not boot'
  if (error.code === 'syntax') return `line ${error.line} does not parse yet`
  return `line ${error.line}: ${error.message}`
}

/** 14:02:11, the clock time a boot arrived. */
export const clockTime = (at: Date) => [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':')

export const useWorkbenchStore = defineStore('workbench', () => {
  const resources = useKernelResourcesStore()
  let deps: WorkbenchDeps | null = null
  /** A boot is asked for at the end of the current task (scheduleBoot). */
  let bootQueued = false
  let saveTimer: ReturnType<typeof setTimeout> | undefined
  let bootsInFlight = 0
  /** Bumped by every open (kernel state, lab, share): an open that awaited past a newer one gives way. */
  let opening = 0
  /** Opens started and not yet landed or given way: start() does not supersede one. */
  let opensInFlight = 0

  /** The lab being worked on; null for the free workbench. */
  const lab = shallowRef<LabSession | null>(null)
  const policyPath = ref<string | null>(null)
  const policyText = ref('')
  const scenarioPath = ref<string | null>(null)
  /** The learner's edit of the scenario (the scenario panel), as scenario data; null boots the bundled file as shipped. */
  const scenarioDraft = shallowRef<ScenarioInput | null>(null)
  /** The newest boot's outcome; shallow because a BootResult is large, immutable data. */
  const outcome = shallowRef<BootOutcome | null>(null)
  /** The policy text `outcome` was computed from. */
  const bootedText = ref<string | null>(null)
  /** The scenario text `outcome` was computed from. */
  const bootedScenarioText = ref<string | null>(null)
  /**
   * The newest boot that ran the policy (not a policy error, an invalid scenario or a crash), and when it
   * arrived: what the timeline, console, map and goals draw, so they never blank while the text does not
   * parse, a boot is in flight or a policy error follows a good boot.
   */
  const goodBoot = shallowRef<GoodBoot | null>(null)
  const running = ref(false)
  /** A request for the editor to show a line; the nonce makes a repeated click on the same line count. */
  const reveal = ref<{ line: number; nonce: number } | null>(null)
  const saveError = ref<string | null>(null)
  /** Set when the session opened on text whose last boot never came back: the learner decides whether to boot it. */
  const bootHeld = ref<string | null>(null)
  /** Text another tab or window saved for this same policy while this one shows different text: offered, never applied unseen. */
  const offered = shallowRef<{ text: string } | null>(null)
  /** When the learner's text was last saved (the editor's status line shows it). */
  const savedAt = shallowRef<Date | null>(null)

  /** No answer has come for SLOW_BOOT_MS since the last edit or boot request. */
  const slowBoot = ref(false)
  let slowTimer: ReturnType<typeof setTimeout> | undefined
  function watchForSlowBoot(): void {
    if (slowTimer === undefined) slowTimer = setTimeout(() => (slowBoot.value = true), SLOW_BOOT_MS)
  }
  function bootAnswered(): void {
    clearTimeout(slowTimer)
    slowTimer = undefined
    slowBoot.value = false
  }

  /** The boot the views draw: the newest good one (see goodBoot). */
  const result = computed(() => goodBoot.value?.result ?? null)

  /**
   * Why the views show an older boot than the editor's text, or null when they show its boot:
   * "line 33 does not parse yet", a policy error, an invalid scenario, or a boot still in flight.
   */
  const viewsBehind = computed<string | null>(() => {
    const good = goodBoot.value
    const o = outcome.value
    if (!good || !o) return null
    if (o !== good.outcome) return behindReason(o, policyPath.value)
    // A boot in flight usually lands within a frame or two: the views say so only once it is slow, so a
    // keystroke never costs a relayout for a note that would vanish at once.
    if (slowBoot.value && (good.text !== policyText.value || good.scenarioText !== (scenarioFile.value?.text ?? null))) return 'booting your latest edit…'
    return null
  })

  /** Why nothing has booted yet when the text has been tried (a reload on a line that does not parse): the views' empty state says it. */
  const noBootWhy = computed<string | null>(() => (!goodBoot.value && outcome.value ? behindReason(outcome.value, policyPath.value) : null))

  /** Compile and run-time diagnostics located in the edited file, one per position and message. */
  const diagnostics = computed<Diagnostic[]>(() => {
    const o = outcome.value
    if (!o || o.kind === 'crashed') return []
    const all = o.kind === 'booted' ? [...o.diagnostics, ...o.result.diagnostics] : o.diagnostics
    const seen = new Set<string>()
    return all.filter((d) => {
      const key = `${d.line}:${d.column}:${d.code}:${d.message}`
      if (d.file !== policyPath.value || seen.has(key)) return false
      seen.add(key)
      return true
    })
  })

  /** The machines to choose from: the lab's (graded ones first), or every bundled one. */
  const scenarios = computed(() => (lab.value ? [...lab.value.scenarios, ...(lab.value.otherScenarios ?? [])] : resources.scenarios))
  /** The chosen machine is one the lab grades (outside a lab, every machine is). */
  const scenarioGraded = computed(() => !lab.value || lab.value.scenarios.some((s) => s.path === scenarioPath.value))
  const findScenario = (path: string | null) => scenarios.value.find((s) => s.path === path) ?? null
  /** The chosen machine's file as shipped (before the learner's edit). */
  const scenarioSource = computed(() => findScenario(scenarioPath.value))

  /** The scenario that boots: the chosen file, or the learner's edit of it written as JSON (which YAML reads). */
  const scenarioFile = computed<TextFile | null>(() => {
    const source = scenarioSource.value
    if (!source || !scenarioDraft.value) return source
    return { path: source.path, text: JSON.stringify(scenarioDraft.value) }
  })

  /** The text Reset restores: the lab's start.c, or the bundled kernel state. */
  const bundledText = computed(() => (lab.value ? lab.value.start.text : (resources.policy(policyPath.value)?.text ?? null)))
  const policyKey = () => (lab.value ? lab.value.id : policyPath.value && workbenchPolicyKey(policyPath.value))
  const edited = computed(() => bundledText.value !== null && policyText.value !== bundledText.value)
  /** The shown outcome belongs to older text than the editor holds, or to another version of the scenario. */
  const stale = computed(
    () =>
      bootedText.value !== null &&
      (bootedText.value !== policyText.value || bootedScenarioText.value !== (scenarioFile.value?.text ?? null)),
  )

  function needDeps(): WorkbenchDeps {
    if (!deps) throw new Error('workbench used before connect()')
    return deps
  }

  function connect(given: WorkbenchDeps): void {
    deps = given
  }

  /**
   * Opens the base kernel on the default machine (else the first of each) once resources are
   * loaded. An open still in flight is left to land: a lab clicked while a reloaded route opened
   * its kernel state was superseded by this and lost.
   */
  async function start(): Promise<void> {
    if (opensInFlight > 0) return
    const firstPolicy = resources.basePolicy?.path ?? resources.policies[0]?.path
    scenarioPath.value = (resources.scenario(DEFAULT_SCENARIO_PATH) ?? resources.scenarios[0])?.path ?? null
    if (firstPolicy) await selectPolicy(firstPolicy)
  }

  /** The kernel states a policy may build on here: the lab's, or the bundled ones. */
  const kernelStates = computed(() => lab.value?.kernelStates ?? resources.policies)

  /** A worker request booting `policy` on `scenario` in this session (null before the base kernel is loaded). */
  function bootInput(policy: TextFile, scenario: TextFile): BootInput | null {
    const base = resources.basePolicy
    if (!base) return null
    // Plain copies: store state is reactive proxies, which structured clone cannot post to a worker.
    const plain = ({ path, text }: TextFile): TextFile => ({ path, text })
    return { base: plain(base), policy: plain(policy), scenario: plain(scenario), kernelStates: kernelStates.value.map(plain) }
  }

  function accept(answer: BootOutcome, policy: string, scenario: string): void {
    bootAnswered()
    outcome.value = answer
    bootedText.value = policy
    bootedScenarioText.value = scenario
    if (answer.kind === 'booted' && answer.result.verdict.status !== 'policy-error') {
      goodBoot.value = { outcome: answer, result: answer.result, at: new Date(), text: policy, scenarioText: scenario }
    }
  }

  /** A different policy or lab: the previous boot says nothing about it. */
  function forgetBoots(): void {
    outcome.value = null
    bootedText.value = null
    goodBoot.value = null
    // Another tab's text was offered for the policy being left, not for this one.
    offered.value = null
  }

  async function bootNow(): Promise<void> {
    bootQueued = false
    const scenario = scenarioFile.value
    if (!scenario || !policyPath.value) return
    const policy = { path: policyPath.value, text: policyText.value }
    const input = bootInput(policy, scenario)
    if (!input) return
    bootHeld.value = null
    watchForSlowBoot()
    const { sentinel } = needDeps()
    sentinel?.setItem(BOOT_SENTINEL_KEY, JSON.stringify({ key: policyKey(), hash: textHash(policy.text) }))
    bootsInFlight++
    running.value = true
    try {
      const answer = await needDeps().boots.run(input)
      if (answer) accept(answer, policy.text, scenario.text)
    } finally {
      running.value = --bootsInFlight > 0
      // Every request has come back (answered, superseded or crashed): the page survived this text.
      if (bootsInFlight === 0) sentinel?.removeItem(BOOT_SENTINEL_KEY)
    }
  }

  /** Boots the session just opened, unless its text is the one whose boot was in flight when the page died. */
  async function bootOpened(): Promise<void> {
    let stored: { key?: unknown; hash?: unknown } | null = null
    try {
      stored = JSON.parse(needDeps().sentinel?.getItem(BOOT_SENTINEL_KEY) ?? 'null')
    } catch {
      stored = null
    }
    if (stored && stored.key === policyKey() && stored.hash === textHash(policyText.value)) {
      bootHeld.value = 'This text stopped the last boot (the page or the boot worker died while booting it). Boot it again?'
      return
    }
    await bootNow()
  }

  /**
   * No debounce (issue 16: keystroke → painted verdict p95 under 50 ms): the boot is asked
   * for in a microtask, at the end of the task that made the edit, so edits made in one task
   * (a paste, an undo group) boot once, and the worker starts while the page is still drawing
   * the keystroke (a timer would wait for that frame, about 20 ms). BootClient keeps one boot
   * in the worker and only the newest waiting (latest wins).
   */
  function scheduleBoot(): void {
    if (bootQueued) return
    bootQueued = true
    queueMicrotask(() => {
      if (bootQueued) void bootNow()
    })
  }

  async function saveNow(): Promise<void> {
    clearTimeout(saveTimer)
    saveTimer = undefined
    const key = policyKey()
    if (!key) return
    try {
      await needDeps().api.savePolicy(key, policyText.value)
      saveError.value = null
      savedAt.value = new Date()
    } catch (e) {
      saveError.value = e instanceof Error ? e.message : String(e)
    }
  }

  /** Saves text still waiting for its debounce, e.g. when the page is going away. */
  function flushSave(): void {
    if (saveTimer !== undefined) void saveNow()
  }

  /** The page is closing normally (pagehide): save, and a boot cut off by the close did not kill anything. */
  function pageHidden(): void {
    flushSave()
    deps?.sentinel?.removeItem(BOOT_SENTINEL_KEY)
  }

  function edit(text: string): void {
    if (text === policyText.value) return
    markEdit()
    watchForSlowBoot()
    policyText.value = text
    scheduleBoot()
    clearTimeout(saveTimer)
    saveTimer = setTimeout(() => void saveNow(), SAVE_DEBOUNCE_MS)
  }

  /**
   * The waiting part of an open (saving the text being left, loading the one opened), counted in
   * opensInFlight; null when a newer open began meanwhile (this one gives way).
   */
  async function openWaiting<T>(load: () => Promise<T>): Promise<{ loaded: T } | null> {
    const mine = ++opening
    opensInFlight++
    try {
      if (saveTimer !== undefined) await saveNow()
      const loaded = await load()
      return mine === opening ? { loaded } : null
    } finally {
      opensInFlight--
    }
  }

  /** Opens a bundled kernel state in the free workbench (leaving a lab, if one is open). */
  async function selectPolicy(path: string): Promise<void> {
    const bundled = resources.policy(path)
    if (!bundled) return
    const open = await openWaiting(() => needDeps().api.loadPolicy(workbenchPolicyKey(path)))
    if (!open) return
    const saved = open.loaded
    if (lab.value) {
      lab.value = null
      scenarioDraft.value = null
    }
    // Leaving a lab, or opened first (a route naming a kernel state): the machine must be one of the bundled ones.
    if (!findScenario(scenarioPath.value)) scenarioPath.value = (resources.scenario(DEFAULT_SCENARIO_PATH) ?? resources.scenarios[0])?.path ?? null
    policyPath.value = path
    policyText.value = saved ?? bundled.text
    forgetBoots()
    await bootOpened()
  }

  /** Works on a lab: the learner's saved text for it (else start.c), on the lab's first machine. */
  async function openLab(session: LabSession): Promise<void> {
    const open = await openWaiting(() => needDeps().api.loadPolicy(session.id))
    if (!open) return
    const saved = open.loaded
    lab.value = session
    policyPath.value = session.start.path
    policyText.value = saved ?? session.start.text
    scenarioPath.value = session.scenarios[0]?.path ?? null
    scenarioDraft.value = null
    forgetBoots()
    await bootOpened()
  }

  /**
   * Opens a shared policy on its machine (a share link) in a session of its own (see
   * sharedSessionKey): the learner's edits to this link's text if there are any, else the link's.
   * Like any session, a text whose boot killed the page last time is shown without booting.
   */
  async function openShared(policy: TextFile, scenario: TextFile): Promise<void> {
    const id = sharedSessionKey(policy, scenario)
    const open = await openWaiting(() => needDeps().api.loadPolicy(id))
    if (!open) return
    lab.value = { id, start: policy, kernelStates: resources.policies, scenarios: [scenario], machineLocked: false, shared: true }
    policyPath.value = policy.path
    policyText.value = open.loaded ?? policy.text
    scenarioPath.value = scenario.path
    scenarioDraft.value = null
    forgetBoots()
    await bootOpened()
  }

  async function selectScenario(path: string): Promise<void> {
    if (!findScenario(path)) return
    scenarioPath.value = path
    scenarioDraft.value = null
    await bootNow()
  }

  /** A lab may lock its machines; then the scenario panel is read-only and edits are refused here too. */
  const scenarioLocked = computed(() => lab.value?.machineLocked ?? false)

  function editScenario(data: ScenarioInput): void {
    if (scenarioLocked.value) return
    scenarioDraft.value = data
    scheduleBoot()
  }

  async function resetScenario(): Promise<void> {
    scenarioDraft.value = null
    await bootNow()
  }

  /** How many times the policy was reset to its start: a fresh start, so the views follow the end of its boot again. */
  const resets = ref(0)

  async function resetPolicy(): Promise<void> {
    if (bundledText.value === null) return
    policyText.value = bundledText.value
    resets.value++
    await Promise.all([saveNow(), bootNow()])
  }

  /** Another tab or window saved `text` under `key` (web mode's storage event). */
  function otherSaved(key: string, text: string): void {
    if (key !== policyKey()) return
    offered.value = text === policyText.value ? null : { text }
  }

  /** Takes the other tab's text (an edit in this editor, so undo brings this tab's back). */
  function acceptOffered(): void {
    if (!offered.value) return
    policyText.value = offered.value.text
    offered.value = null
    scheduleBoot()
    // Saved like an edit: this tab's autosave may have written over the other tab's text meanwhile,
    // and a reload must not bring back the text set aside.
    clearTimeout(saveTimer)
    saveTimer = setTimeout(() => void saveNow(), SAVE_DEBOUNCE_MS)
  }

  /** Keeps this tab's text and saves it (the other tab is then offered it in turn). */
  async function keepMine(): Promise<void> {
    offered.value = null
    await saveNow()
  }

  function revealLine(line: number): void {
    reveal.value = { line, nonce: (reveal.value?.nonce ?? 0) + 1 }
  }

  return {
    lab,
    policyPath,
    policyText,
    scenarioPath,
    scenarioDraft,
    scenarios,
    scenarioGraded,
    scenarioSource,
    scenarioFile,
    kernelStates,
    bundledText,
    scenarioLocked,
    outcome,
    bootedText,
    goodBoot,
    viewsBehind,
    noBootWhy,
    running,
    slowBoot,
    reveal,
    saveError,
    bootHeld,
    result,
    diagnostics,
    edited,
    stale,
    connect,
    start,
    bootInput,
    bootNow,
    flushSave,
    pageHidden,
    saveNow,
    savedAt,
    edit,
    selectPolicy,
    openLab,
    openShared,
    selectScenario,
    editScenario,
    resetScenario,
    resetPolicy,
    resets,
    revealLine,
    offered,
    otherSaved,
    acceptOffered,
    keepMine,
  }
})
