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
import type { Diagnostic, ScenarioInput } from '../../core'
import type { BootlabApi, TextFile } from '../../shared/bootlab-api'
import type { BootClient } from '../boot-client'
import { markEdit } from '../perf-marks'
import type { BootInput, BootOutcome } from '../workers/boot-protocol'
import { DEFAULT_SCENARIO_PATH, useKernelResourcesStore } from './kernel-resources'

/**
 * No fixed debounce (issue 16: keystroke → painted verdict p95 under 50 ms): the boot is
 * asked for in the next task, so edits made in one task (a paste, an undo group) boot once,
 * and BootClient keeps one boot in the worker and only the newest waiting (latest wins).
 */
export const BOOT_DEBOUNCE_MS = 0
/** Quiet time after a keystroke before saving the learner's text. */
export const SAVE_DEBOUNCE_MS = 1000

export interface WorkbenchDeps {
  api: BootlabApi
  boots: Pick<BootClient, 'run'>
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
  /** The lab's machines, variants included, as scenario files. */
  scenarios: TextFile[]
  /** The lab shows its machines as shipped: no scenario edits. */
  machineLocked: boolean
}

export const useWorkbenchStore = defineStore('workbench', () => {
  const resources = useKernelResourcesStore()
  let deps: WorkbenchDeps | null = null
  let bootTimer: ReturnType<typeof setTimeout> | undefined
  let saveTimer: ReturnType<typeof setTimeout> | undefined
  let bootsInFlight = 0

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
  const running = ref(false)
  /** A request for the editor to show a line; the nonce makes a repeated click on the same line count. */
  const reveal = ref<{ line: number; nonce: number } | null>(null)
  const saveError = ref<string | null>(null)

  const result = computed(() => (outcome.value?.kind === 'booted' ? outcome.value.result : null))

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

  /** The machines to choose from: the lab's, or every bundled one. */
  const scenarios = computed(() => lab.value?.scenarios ?? resources.scenarios)
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

  /** Opens the base kernel on the default machine (else the first of each) once resources are loaded. */
  async function start(): Promise<void> {
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

  async function bootNow(): Promise<void> {
    clearTimeout(bootTimer)
    const scenario = scenarioFile.value
    if (!scenario || !policyPath.value) return
    const policy = { path: policyPath.value, text: policyText.value }
    const input = bootInput(policy, scenario)
    if (!input) return
    bootsInFlight++
    running.value = true
    try {
      const answer = await needDeps().boots.run(input)
      if (answer) {
        outcome.value = answer
        bootedText.value = policy.text
        bootedScenarioText.value = scenario.text
      }
    } finally {
      running.value = --bootsInFlight > 0
    }
  }

  function scheduleBoot(): void {
    clearTimeout(bootTimer)
    bootTimer = setTimeout(() => void bootNow(), BOOT_DEBOUNCE_MS)
  }

  async function saveNow(): Promise<void> {
    clearTimeout(saveTimer)
    saveTimer = undefined
    const key = policyKey()
    if (!key) return
    try {
      await needDeps().api.savePolicy(key, policyText.value)
      saveError.value = null
    } catch (e) {
      saveError.value = e instanceof Error ? e.message : String(e)
    }
  }

  /** Saves text still waiting for its debounce, e.g. when the page is going away. */
  function flushSave(): void {
    if (saveTimer !== undefined) void saveNow()
  }

  function edit(text: string): void {
    if (text === policyText.value) return
    markEdit()
    policyText.value = text
    scheduleBoot()
    clearTimeout(saveTimer)
    saveTimer = setTimeout(() => void saveNow(), SAVE_DEBOUNCE_MS)
  }

  /** Opens a bundled kernel state in the free workbench (leaving a lab, if one is open). */
  async function selectPolicy(path: string): Promise<void> {
    const bundled = resources.policy(path)
    if (!bundled) return
    if (saveTimer !== undefined) await saveNow()
    const saved = await needDeps().api.loadPolicy(workbenchPolicyKey(path))
    if (lab.value) {
      lab.value = null
      if (!findScenario(scenarioPath.value)) scenarioPath.value = (resources.scenario(DEFAULT_SCENARIO_PATH) ?? resources.scenarios[0])?.path ?? null
      scenarioDraft.value = null
    }
    policyPath.value = path
    policyText.value = saved ?? bundled.text
    outcome.value = null
    bootedText.value = null
    await bootNow()
  }

  /** Works on a lab: the learner's saved text for it (else start.c), on the lab's first machine. */
  async function openLab(session: LabSession): Promise<void> {
    if (saveTimer !== undefined) await saveNow()
    const saved = await needDeps().api.loadPolicy(session.id)
    lab.value = session
    policyPath.value = session.start.path
    policyText.value = saved ?? session.start.text
    scenarioPath.value = session.scenarios[0]?.path ?? null
    scenarioDraft.value = null
    outcome.value = null
    bootedText.value = null
    await bootNow()
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

  async function resetPolicy(): Promise<void> {
    if (bundledText.value === null) return
    policyText.value = bundledText.value
    await Promise.all([saveNow(), bootNow()])
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
    scenarioSource,
    scenarioFile,
    kernelStates,
    bundledText,
    scenarioLocked,
    outcome,
    bootedText,
    running,
    reveal,
    saveError,
    result,
    diagnostics,
    edited,
    stale,
    connect,
    start,
    bootInput,
    bootNow,
    flushSave,
    edit,
    selectPolicy,
    openLab,
    selectScenario,
    editScenario,
    resetScenario,
    resetPolicy,
    revealLine,
  }
})
