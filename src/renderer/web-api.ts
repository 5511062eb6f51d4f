/*
 * window.bootlab for web mode (no Electron): the kernel policies, scenarios and
 * labs are bundled into the page at build time, saves go to localStorage and
 * exports become downloads. Same contract, same checks as src/main.
 */
import type { BootlabApi, ExportRequest, LabFolder, LabRef, Progress, TextFile } from '../shared/bootlab-api'
import { isExternalLink, progressNotice, progressProblem, sanitizeProgress, STORAGE_KEY_PATTERN } from '../shared/bootlab-api'
import { printHtml } from './print-frame'

const bundledPolicies = import.meta.glob<string>('../../resources/policies/*.c', { query: '?raw', import: 'default', eager: true })
const bundledScenarios = import.meta.glob<string>('../../resources/scenarios/*.yaml', {
  query: '?raw',
  import: 'default',
  eager: true,
})
// Labs are few and small; bundling them lets web mode work offline like the desktop app.
const bundledLabFiles = import.meta.glob<string>('../../labs/*/**/*.{md,c,yaml,yml,json}', {
  query: '?raw',
  import: 'default',
  eager: true,
})

/** Glob results keyed by module path, re-keyed by the path below `prefix` and sorted. */
function filesUnder(modules: Record<string, string>, prefix: string): TextFile[] {
  return Object.entries(modules)
    .map(([path, text]) => ({ path: path.slice(prefix.length), text }))
    .sort((a, b) => a.path.localeCompare(b.path))
}

const LAB_PREFIX = '../../labs/'

function labIdOf(modulePath: string): string {
  return modulePath.slice(LAB_PREFIX.length).split('/')[0]
}

/** What web mode needs of localStorage (tests pass a Map-backed fake). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>

/** What web mode needs to offer a file download. */
export type Download = (request: ExportRequest) => void

function downloadInBrowser(request: ExportRequest): void {
  const { suggestedName, mimeType } = request
  const url = URL.createObjectURL(new Blob([mimeType === 'application/zip' ? request.bytes.slice() : request.text], { type: mimeType }))
  const link = Object.assign(document.createElement('a'), { href: url, download: suggestedName })
  link.click()
  // The click starts the download synchronously; the URL can go once the event has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

const STORAGE_PREFIX = 'bootlab:'
const POLICY_PREFIX = `${STORAGE_PREFIX}policy:`

/**
 * Calls `listener` when another tab or window of this origin saves a policy (the `storage` event fires
 * only in the others), so a second tab's edit is offered here instead of being overwritten unseen.
 */
export function onPolicySavedElsewhere(listener: (key: string, text: string) => void, target: Pick<Window, 'addEventListener'> = window): void {
  target.addEventListener('storage', (event: StorageEvent) => {
    if (event.key?.startsWith(POLICY_PREFIX) && event.newValue !== null) listener(event.key.slice(POLICY_PREFIX.length), event.newValue)
  })
}

function checkKey(key: string, what: string): string {
  if (!STORAGE_KEY_PATTERN.test(key)) throw new Error(`${what} must match ${STORAGE_KEY_PATTERN}`)
  return key
}

/** What web mode needs of the browser besides storage and downloads (tests pass fakes). */
export interface BrowserWindowing {
  print: (html: string) => void
  openTab: (url: string) => void
}

const browserWindowing: BrowserWindowing = {
  print: printHtml,
  // noopener: the new tab gets no handle back to the app.
  openTab: (url) => void window.open(url, '_blank', 'noopener,noreferrer'),
}

export function createWebApi(storage: KeyValueStorage = localStorage, download: Download = downloadInBrowser, windowing: BrowserWindowing = browserWindowing): BootlabApi {
  return {
    host: 'web',
    async loadKernelResources() {
      return {
        policies: filesUnder(bundledPolicies, '../../resources/policies/'),
        scenarios: filesUnder(bundledScenarios, '../../resources/scenarios/'),
      }
    },
    async listLabs(): Promise<LabRef[]> {
      const ids = new Set(Object.keys(bundledLabFiles).map(labIdOf))
      return [...ids].filter((id) => STORAGE_KEY_PATTERN.test(id)).sort().map((id) => ({ id, origin: 'bundled' }))
    },
    async loadLab(id: string): Promise<LabFolder> {
      checkKey(id, 'lab id')
      const files = filesUnder(
        Object.fromEntries(Object.entries(bundledLabFiles).filter(([path]) => labIdOf(path) === id)),
        `${LAB_PREFIX}${id}/`,
      )
      if (files.length === 0) throw new Error(`no lab '${id}'`)
      return { id, files }
    },
    async loadPolicy(key: string) {
      return storage.getItem(`${POLICY_PREFIX}${checkKey(key, 'policy key')}`)
    },
    async savePolicy(key: string, text: string) {
      storage.setItem(`${POLICY_PREFIX}${checkKey(key, 'policy key')}`, text)
    },
    async loadProgress(): Promise<Progress> {
      const key = `${STORAGE_PREFIX}progress`
      const stored = storage.getItem(key)
      if (stored === null) return { labs: {} }
      const problem = progressProblem(stored)
      if (problem === null) return sanitizeProgress(JSON.parse(stored))
      // As the desktop app moves progress.json aside: keep the unreadable value under a new key, start afresh.
      let aside = `${key}.corrupt-1`
      for (let n = 2; storage.getItem(aside) !== null; n++) aside = `${key}.corrupt-${n}`
      storage.setItem(aside, stored)
      storage.setItem(key, JSON.stringify({ labs: {} }))
      return { labs: {}, notice: progressNotice(problem, `${aside} in this browser's local storage`) }
    },
    async saveProgress(progress: Progress) {
      storage.setItem(`${STORAGE_PREFIX}progress`, JSON.stringify(sanitizeProgress(progress)))
    },
    async exportFile(request: ExportRequest) {
      download(request)
      return { saved: true, location: `Downloads/${request.suggestedName}` }
    },
    async exportPdf(request) {
      windowing.print(request.html)
      return { saved: false }
    },
    async openExternal(url: string) {
      if (!isExternalLink(url)) throw new Error('only https links open outside the app')
      windowing.openTab(url)
    },
    onMenuCommand() {
      // Web mode has no app menu: the toolbar's buttons do the same.
    },
  }
}
