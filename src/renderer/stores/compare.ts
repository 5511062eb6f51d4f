/*
 * The compare view: two boots side by side. Each side is a policy (the editor's
 * text or a kernel state, a lab's start.c included) on a machine; both boot in
 * the compare worker, which also computes the report module's CompareSummary.
 * The two timelines share one column axis, the summary's step alignment (steps
 * matched by function name), and scrub together: a column one boot never ran
 * is a gap on its timeline and keeps that side on its nearest earlier step.
 * Outside a lab the default pair is the base kernel against the merged series
 * on the workbench's machine; a swap and "compare with previous boot" (the last
 * boot of the same file with other text, against the editor's) are one click each.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { lineDiff, mapDifferences, ptdumpAt } from '../../report/report'
import { sideColumns } from '../../report/compare'
import type { TextFile } from '../../shared/bootlab-api'
import type { BootClient } from '../boot-client'
import { picturePlacements, snapshotAt } from '../../report/timeline-model'
import type { CompareInput, CompareOutcome } from '../workers/boot-protocol'
import { BASE_POLICY_PATH, useKernelResourcesStore } from './kernel-resources'
import { useWorkbenchStore } from './workbench'
import type { CompareSideRoute } from '../routes'

/** The policy choice that follows the editor's text as the learner types. */
export const EDITOR_POLICY = 'editor'
/** The policy choice that is the text of the learner's previous boot of the same file. */
export const PREVIOUS_POLICY = 'previous'
/** The merged fix: the default right side outside a lab. */
export const SERIES_POLICY_PATH = 'series.c'
/** Quiet time after a keystroke before comparing again (a compare is two boots). */
export const COMPARE_DEBOUNCE_MS = 150

export interface CompareDeps {
  /** Made on first use: the compare worker only starts once the learner opens the view. */
  comparer: () => Pick<BootClient<CompareInput, CompareOutcome>, 'run'>
}

export interface SideChoice {
  /** EDITOR_POLICY, or the path of a kernel state (or a lab's start.c). */
  policy: string
  scenario: string | null
}

export type Side = 'left' | 'right'

export const useCompareStore = defineStore('compare', () => {
  const workbench = useWorkbenchStore()
  const resources = useKernelResourcesStore()
  let deps: CompareDeps | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  const shown = ref(false)
  const left = ref<SideChoice>({ policy: BASE_POLICY_PATH, scenario: null })
  const right = ref<SideChoice>({ policy: EDITOR_POLICY, scenario: null })
  const outcome = shallowRef<CompareOutcome | null>(null)
  const running = ref(false)
  /** Index into the summary's aligned steps; null follows the end of both boots. */
  const pickedRow = ref<number | null>(null)

  /** Policies a side may boot: the lab's start.c first, then the kernel states. */
  const policies = computed<TextFile[]>(() => {
    const lab = workbench.lab
    return lab ? [lab.start, ...lab.kernelStates.filter((k) => k.path !== lab.start.path)] : resources.policies
  })

  function connect(given: CompareDeps): void {
    deps = given
  }

  /**
   * Opens the view with the sides a link names (a reload's), where this workbench can boot them,
   * else the default sides: in a lab, its compareWith state (else its start.c) against the
   * learner's text; outside one, the base kernel against the merged series (the editor's text
   * when there is no series), both on the workbench's machine.
   */
  function open(named?: { left: CompareSideRoute; right: CompareSideRoute }): void {
    const scenario = workbench.scenarioPath
    const series = policies.value.some((p) => p.path === SERIES_POLICY_PATH)
    const lab = workbench.lab
    left.value = bootable(named?.left) ?? { policy: lab ? (lab.compareWith ?? lab.start.path) : BASE_POLICY_PATH, scenario }
    right.value = bootable(named?.right) ?? { policy: lab || !series ? EDITOR_POLICY : SERIES_POLICY_PATH, scenario }
    pickedRow.value = null
    shown.value = true
    void compareNow()
  }

  /** A side a link names, if it can boot here: a known policy (a previous boot does not outlive a reload) on a known machine. */
  function bootable(named: CompareSideRoute | undefined): SideChoice | null {
    if (!named) return null
    const { policy } = named
    const known = policy === EDITOR_POLICY || (policy === PREVIOUS_POLICY ? !!previousBoot.value : policies.value.some((p) => p.path === policy))
    const scenario = named.machine ?? workbench.scenarioPath
    const machine = scenario === workbench.scenarioPath || workbench.scenarios.some((s) => s.path === scenario)
    return known && machine ? { policy, scenario } : null
  }

  /** Left becomes right and right left. */
  function swap(): void {
    ;[left.value, right.value] = [right.value, left.value]
    void compareNow()
  }

  /**
   * Which file of which lab (or of the free workbench) the editor holds: a previous boot is one of
   * the same file, never Lab 1's start.c against Lab 5's.
   */
  const editing = () => `${workbench.lab?.id ?? ''}/${workbench.policyPath ?? ''}`
  /**
   * The policy texts the learner's boots ran to a verdict (a failing boot too: in a fix lab every
   * attempt before the fix fails, and comparing attempts is the point; not a policy that could not
   * run), newest last, each once, with the file they were booted as.
   */
  const ranBoots = shallowRef<(TextFile & { editing: string })[]>([])
  watch(
    () => workbench.outcome,
    (o) => {
      if (o?.kind !== 'booted' || o.result.verdict.status === 'policy-error' || !workbench.policyPath || workbench.bootedText === null) return
      const file = { path: workbench.policyPath, text: workbench.bootedText, editing: editing() }
      ranBoots.value = [...ranBoots.value.filter((f) => f.editing !== file.editing || f.text !== file.text), file].slice(-16)
    },
  )
  /** The last boot of the same file whose text differs from the editor's: what "compare with previous boot" compares with. */
  const previousBoot = computed<TextFile | null>(() => {
    const here = editing()
    const found = [...ranBoots.value].reverse().find((f) => f.editing === here && f.text !== workbench.policyText)
    return found ? { path: found.path, text: found.text } : null
  })

  /** My previous boot (left) against this one (right), on the workbench's machine. */
  function compareWithPrevious(): void {
    if (!previousBoot.value) return
    const scenario = workbench.scenarioPath
    left.value = { policy: PREVIOUS_POLICY, scenario }
    right.value = { policy: EDITOR_POLICY, scenario }
    pickedRow.value = null
    shown.value = true
    void compareNow()
  }

  function close(): void {
    shown.value = false
    clearTimeout(timer)
  }

  function policyFile(choice: SideChoice): TextFile | null {
    if (choice.policy === PREVIOUS_POLICY) return previousBoot.value
    if (choice.policy === EDITOR_POLICY) return workbench.policyPath ? { path: workbench.policyPath, text: workbench.policyText } : null
    return policies.value.find((p) => p.path === choice.policy) ?? null
  }

  /** The machine a side boots; the workbench's current machine includes the learner's scenario edit. */
  function scenarioFile(choice: SideChoice): TextFile | null {
    if (choice.scenario === workbench.scenarioPath) return workbench.scenarioFile
    return workbench.scenarios.find((s) => s.path === choice.scenario) ?? null
  }

  function inputFor(choice: SideChoice) {
    const policy = policyFile(choice)
    const scenario = scenarioFile(choice)
    return policy && scenario ? workbench.bootInput(policy, scenario) : null
  }

  async function compareNow(): Promise<void> {
    clearTimeout(timer)
    if (!deps || !shown.value) return
    const l = inputFor(left.value)
    const r = inputFor(right.value)
    if (!l || !r) return
    running.value = true
    try {
      const answer = await deps.comparer().run({ left: l, right: r })
      if (answer) outcome.value = answer
    } finally {
      running.value = false
    }
  }

  function choose(side: Side, choice: Partial<SideChoice>): void {
    const target = side === 'left' ? left : right
    target.value = { ...target.value, ...choice }
    void compareNow()
  }

  // The learner's text and scenario edits reach a side that shows them, after a short quiet time.
  watch(
    () => [workbench.policyText, workbench.scenarioFile?.text],
    () => {
      if (!shown.value || ![left.value, right.value].some((c) => c.policy === EDITOR_POLICY || c.scenario === workbench.scenarioPath)) return
      clearTimeout(timer)
      timer = setTimeout(() => void compareNow(), COMPARE_DEBOUNCE_MS)
    },
  )

  const compared = computed(() => (outcome.value?.kind === 'compared' ? outcome.value : null))
  const summary = computed(() => compared.value?.summary ?? null)
  const resultOf = (side: Side) => {
    const o = compared.value?.[side]
    return o?.kind === 'booted' ? o.result : null
  }
  const leftResult = computed(() => resultOf('left'))
  const rightResult = computed(() => resultOf('right'))
  /** Sides whose policy could not run (a compile or run-time policy error): no boot there, nothing to compare. */
  const unrun = computed(() =>
    (['left', 'right'] as const).flatMap((side) => {
      const r = resultOf(side)
      // The verdict's headline already says "The policy could not run:"; the view says which side, then why.
      return r?.verdict.status === 'policy-error' ? [{ side, why: r.verdict.headline.replace(/^The policy could not run: /, '') }] : []
    }),
  )

  const rows = computed(() => summary.value?.steps ?? [])
  const selectedRow = computed(() => (rows.value.length ? Math.min(pickedRow.value ?? rows.value.length - 1, rows.value.length - 1) : null))

  /** A side's step at the selected row: that row's step, else the side's nearest earlier one. */
  function stepOf(side: Side): number | null {
    if (selectedRow.value === null) return null
    for (let i = selectedRow.value; i >= 0; i--) {
      const step = rows.value[i][side]?.step
      if (step !== undefined) return step
    }
    return 0
  }
  const leftStep = computed(() => stepOf('left'))
  const rightStep = computed(() => stepOf('right'))

  /** Scrubbing either timeline moves both: to a row (column) of the shared axis. */
  function selectRow(row: number): void {
    if (rows.value.length) pickedRow.value = Math.max(0, Math.min(row, rows.value.length - 1))
  }

  /** Each side's steps placed on the shared axis. */
  const leftColumns = computed(() => sideColumns(rows.value, 'left'))
  const rightColumns = computed(() => sideColumns(rows.value, 'right'))
  /** The column where the boots part ways: the earlier of the two sides' divergence steps. */
  const divergenceRow = computed(() => {
    const d = summary.value?.divergence
    if (!d) return null
    const at = [leftColumns.value.column[d.left?.step ?? -1], rightColumns.value.column[d.right?.step ?? -1]].filter((c) => c !== undefined)
    return at.length ? Math.min(...at) : null
  })

  function follow(): void {
    pickedRow.value = null
  }

  const pictureAt = (result: typeof leftResult.value, step: number | null) =>
    result && step !== null ? (snapshotAt(picturePlacements(result), step)?.snapshot ?? null) : null
  /** The two ptdumps at the scrubbed step, as a line diff. */
  const ptdumpDiff = computed(() => {
    const dump = (result: typeof leftResult.value, step: number | null) => (result && step !== null ? (ptdumpAt(result, step)?.lines ?? []) : [])
    return lineDiff(dump(leftResult.value, leftStep.value), dump(rightResult.value, rightStep.value))
  })
  const leftPicture = computed(() => pictureAt(leftResult.value, leftStep.value))
  const rightPicture = computed(() => pictureAt(rightResult.value, rightStep.value))
  /** Where the two pictures in force differ in mapping or attributes. */
  const pictureDifferences = computed(() => mapDifferences(leftPicture.value?.extents ?? [], rightPicture.value?.extents ?? []))

  /** The two policy texts, for the diff editor. */
  const leftPolicy = computed(() => policyFile(left.value))
  const rightPolicy = computed(() => policyFile(right.value))
  /** Both sides boot the same text on the same machine (a lab's start.c against an unedited editor): nothing can differ. */
  const sameInputs = computed(
    () => !!leftPolicy.value && !!rightPolicy.value && leftPolicy.value.text === rightPolicy.value.text && left.value.scenario === right.value.scenario,
  )

  return {
    shown,
    left,
    right,
    outcome,
    running,
    pickedRow,
    policies,
    summary,
    leftResult,
    unrun,
    rightResult,
    selectedRow,
    leftStep,
    rightStep,
    leftPicture,
    rightPicture,
    pictureDifferences,
    ptdumpDiff,
    leftColumns,
    rightColumns,
    divergenceRow,
    previousBoot,
    leftPolicy,
    sameInputs,
    rightPolicy,
    connect,
    open,
    close,
    choose,
    compareNow,
    selectRow,
    swap,
    compareWithPrevious,
    follow,
  }
})
