/*
 * Which result view is in front (console, memory map, scenario, kernel states,
 * solution), and messages about where the app was asked to go (a share link that
 * did not decode). The route (route-sync.ts) reads and sets these.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ViewTab } from '../routes'

export const useViewStore = defineStore('view', () => {
  const tab = ref<ViewTab>('console')
  /** Why the link the app was opened with could not be followed; shown until dismissed. */
  const linkProblem = ref<string | null>(null)
  return { tab, linkProblem }
})
