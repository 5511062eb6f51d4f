/*
 * Light or dark: follows the system setting (prefers-color-scheme) until the
 * learner picks one with the toolbar toggle, which is remembered. The theme is
 * `data-theme` on <html>; every colour is a CSS custom property in style.css
 * for both themes (the SVG pictures read them too), and Monaco follows with
 * its vs / vs-dark themes.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'

export type Theme = 'light' | 'dark'
export const THEME_KEY = 'bootlab:theme'

/** What the theme store needs of the browser (tests pass fakes). */
export interface ThemeHost {
  storage: Pick<Storage, 'getItem' | 'setItem'>
  /** matchMedia('(prefers-color-scheme: dark)') */
  systemDark: { matches: boolean; addEventListener(type: 'change', listener: (e: { matches: boolean }) => void): void }
  root: { setAttribute(name: string, value: string): void }
}

/** Monaco's theme for the app's: vs / vs-dark with AA comment colours (defined in monaco.ts). */
export const monacoThemeOf = (theme: Theme) => (theme === 'dark' ? 'bootlab-dark' : 'bootlab-light')

export const useThemeStore = defineStore('theme', () => {
  /** The learner's pick; null follows the system. */
  const chosen = ref<Theme | null>(null)
  const systemDark = ref(true)
  const theme = computed<Theme>(() => chosen.value ?? (systemDark.value ? 'dark' : 'light'))

  function connect(host: ThemeHost): void {
    const stored = host.storage.getItem(THEME_KEY)
    chosen.value = stored === 'light' || stored === 'dark' ? stored : null
    systemDark.value = host.systemDark.matches
    host.systemDark.addEventListener('change', (e) => (systemDark.value = e.matches))
    watch(theme, (t) => host.root.setAttribute('data-theme', t), { immediate: true })
    watch(chosen, (t) => host.storage.setItem(THEME_KEY, t ?? 'system'))
  }

  function toggle(): void {
    chosen.value = theme.value === 'dark' ? 'light' : 'dark'
  }

  return { theme, chosen, toggle, connect }
})
