/*
 * The workbench's pane sizes (lab | editor | results, and timeline | tabs) and
 * whether the lab column is shown (how the console shows long lines, whether the results fill
 * the window), remembered in this window's storage so a
 * reload (or the next start) opens the layout the learner left. Sizes are the
 * percentages splitpanes works in; anything unreadable falls back to defaults.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'

export const LAYOUT_KEY = 'bootlab:layout'

export interface Layout {
  /** lab | editor | results, when the lab column is shown. */
  withLabs: [number, number, number]
  /** editor | results, when it is collapsed. */
  withoutLabs: [number, number]
  /** timeline | tabs. */
  results: [number, number]
  labsShown: boolean
  /** The console wraps a long dmesg line under its text (else one line each, scrolled sideways). */
  consoleWrap: boolean
  /** The results column (verdict, timeline, views) fills the window; the lab and the editor wait behind it. */
  resultsEnlarged: boolean
}

export const DEFAULT_LAYOUT: Layout = { withLabs: [24, 36, 40], withoutLabs: [46, 54], results: [47, 53], labsShown: true, consoleWrap: true, resultsEnlarged: false }

const isSizes = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && x >= 0 && x <= 100) && Math.abs(v.reduce((a, b) => a + b, 0) - 100) < 1

/** The stored layout where it is well formed, field by field; defaults for the rest. */
export function readLayout(text: string | null): Layout {
  let data: Record<string, unknown> = {}
  try {
    const parsed: unknown = text === null ? null : JSON.parse(text)
    if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>
  } catch {
    // Unreadable: the defaults.
  }
  return {
    withLabs: isSizes(data.withLabs, 3) ? (data.withLabs as Layout['withLabs']) : DEFAULT_LAYOUT.withLabs,
    withoutLabs: isSizes(data.withoutLabs, 2) ? (data.withoutLabs as Layout['withoutLabs']) : DEFAULT_LAYOUT.withoutLabs,
    results: isSizes(data.results, 2) ? (data.results as Layout['results']) : DEFAULT_LAYOUT.results,
    labsShown: typeof data.labsShown === 'boolean' ? data.labsShown : DEFAULT_LAYOUT.labsShown,
    consoleWrap: typeof data.consoleWrap === 'boolean' ? data.consoleWrap : DEFAULT_LAYOUT.consoleWrap,
    resultsEnlarged: typeof data.resultsEnlarged === 'boolean' ? data.resultsEnlarged : DEFAULT_LAYOUT.resultsEnlarged,
  }
}

export type LayoutStorage = Pick<Storage, 'getItem' | 'setItem'>

export const useLayoutStore = defineStore('layout', () => {
  let storage: LayoutStorage | null = null
  const layout = ref<Layout>({ ...DEFAULT_LAYOUT })

  function connect(given: LayoutStorage): void {
    storage = given
    layout.value = readLayout(given.getItem(LAYOUT_KEY))
  }

  function save(): void {
    storage?.setItem(LAYOUT_KEY, JSON.stringify(layout.value))
  }

  const round = (sizes: number[]) => sizes.map((s) => Math.round(s * 100) / 100)

  /** After a drag of the main splitter: the sizes for the current arrangement. */
  function resizedMain(sizes: number[]): void {
    if (layout.value.labsShown && sizes.length === 3) layout.value = { ...layout.value, withLabs: round(sizes) as Layout['withLabs'] }
    else if (!layout.value.labsShown && sizes.length === 2) layout.value = { ...layout.value, withoutLabs: round(sizes) as Layout['withoutLabs'] }
    save()
  }

  function resizedResults(sizes: number[]): void {
    if (sizes.length === 2) layout.value = { ...layout.value, results: round(sizes) as Layout['results'] }
    save()
  }

  function toggleLabs(shown = !layout.value.labsShown): void {
    layout.value = { ...layout.value, labsShown: shown }
    save()
  }

  function setConsoleWrap(wrap: boolean): void {
    layout.value = { ...layout.value, consoleWrap: wrap }
    save()
  }

  function setResultsEnlarged(enlarged: boolean): void {
    layout.value = { ...layout.value, resultsEnlarged: enlarged }
    save()
  }

  return { layout, connect, resizedMain, resizedResults, toggleLabs, setConsoleWrap, setResultsEnlarged }
})
