/*
 * Where the learner is looking inside the latest boot: the step scrubbed to on the
 * timeline, and the memory-map picture in force at that step. Follows the end of
 * boot until the learner picks a step, and keeps the pick across re-boots (not
 * across a reset of the policy to its start: that is a fresh start).
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { picturePlacements, snapshotAt } from '../../report/timeline-model'
import { useWorkbenchStore } from './workbench'

export const useBootInspectorStore = defineStore('boot-inspector', () => {
  const workbench = useWorkbenchStore()
  /** The step the learner picked; null follows the last step of each boot. */
  const pickedStep = ref<number | null>(null)

  const steps = computed(() => workbench.result?.steps ?? [])

  const selectedStep = computed<number | null>(() => {
    const last = steps.value.length - 1
    if (last < 0) return null
    return pickedStep.value === null ? last : Math.min(pickedStep.value, last)
  })

  const step = computed(() => (selectedStep.value === null ? null : steps.value[selectedStep.value]))

  const pictures = computed(() => (workbench.result ? picturePlacements(workbench.result) : []))
  /** The map picture in force at the selected step, with where it was taken. */
  const picture = computed(() => (selectedStep.value === null ? null : snapshotAt(pictures.value, selectedStep.value)))
  const snapshot = computed(() => picture.value?.snapshot ?? null)

  watch(
    () => workbench.resets,
    () => (pickedStep.value = null),
  )

  /** Pick a step (clamped to the boot's steps); null goes back to following the end of boot. */
  function selectStep(index: number | null): void {
    const last = steps.value.length - 1
    pickedStep.value = index === null || last < 0 ? null : Math.max(0, Math.min(index, last))
  }

  return { pickedStep, selectedStep, step, pictures, picture, snapshot, selectStep }
})
