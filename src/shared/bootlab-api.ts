/*
 * The preload API contract: `window.bootlab`, the only way the renderer reaches
 * files and saved state. Two hosts implement it: src/preload (Electron, over IPC
 * to src/main) and src/renderer/web-api.ts (web mode, bundled files plus
 * localStorage). Every value crossing it is plain, structured-cloneable data.
 *
 * Labs (issue 4) are folders of plain files; this contract hands the renderer a
 * lab's files and leaves reading its manifest to the lab schema, so the schema
 * lives in one place for the app and the command line alike.
 */

/** A text file shipped with the app or read from a lab folder. */
export interface TextFile {
  /** Path relative to its root (`unpatched.c`, `scenarios/realm.yaml`), '/'-separated. */
  path: string
  text: string
}

/** The kernel states and machines every workbench can boot. */
export interface KernelResources {
  /** resources/policies/*.c; `unpatched.c` is the base kernel. */
  policies: TextFile[]
  /** resources/scenarios/*.yaml */
  scenarios: TextFile[]
}

export interface LabRef {
  /** The lab folder's name, e.g. `01-linear-map`. */
  id: string
  /** Shipped with the app, or from a folder the learner opened. */
  origin: 'bundled' | 'opened'
}

export interface LabFolder {
  id: string
  /** Every text file of the folder (manifest, Markdown, policies, scenarios). */
  files: TextFile[]
}

/** Lab ids and policy keys: lower-case folder-safe names, so either can name a file. */
export const STORAGE_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,79}$/

/** The largest policy text or export accepted (a policy is a few KB; a report well under this). */
export const MAX_TEXT_BYTES = 4 * 1024 * 1024

export type LabStatus = 'not-started' | 'in-progress' | 'passed'

/** The learner's progress, keyed by lab id; a lab missing here has not been started. */
export interface Progress {
  labs: Record<string, LabStatus>
  /**
   * How many of each lab's hints the learner has revealed (absent: none), so `bootlab hint`
   * shows the next one and the app and the command line agree on a course folder.
   */
  hints?: Record<string, number>
  /**
   * Set by loadProgress when the stored progress could not be read: it was kept
   * aside (named here) rather than dropped, and the learner should be told. Never saved.
   */
  notice?: string
}

export const LAB_STATUSES: readonly LabStatus[] = ['not-started', 'in-progress', 'passed']

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Why stored progress text is not a progress record (not JSON, or not `{ "labs": {...} }`); null when it is one. */
export function progressProblem(text: string): string | null {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    return `it is not valid JSON (${(e as Error).message})`
  }
  return isRecord(data) && isRecord(data.labs) ? null : 'it is not a progress record ({ "labs": { ... } })'
}

/** What the learner is told when unreadable progress was moved aside to `keptAs`. */
export function progressNotice(problem: string, keptAs: string): string {
  return `Your saved lab progress could not be read: ${problem}. It was kept as ${keptAs} and progress starts afresh; your policies are not affected.`
}

/** A lab's hint count as stored: a whole number of hints revealed (a lab has a handful). */
export const isHintCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 1000

/** Keeps the entries of a stored progress file that still make sense (a tampered status or count is dropped). */
export function sanitizeProgress(data: unknown): Progress {
  const labs: Record<string, LabStatus> = {}
  const stored = (data as { labs?: unknown } | null)?.labs
  if (stored && typeof stored === 'object') {
    for (const [id, status] of Object.entries(stored)) {
      if (STORAGE_KEY_PATTERN.test(id) && LAB_STATUSES.includes(status as LabStatus)) labs[id] = status as LabStatus
    }
  }
  const hints: Record<string, number> = {}
  const counts = (data as { hints?: unknown } | null)?.hints
  if (isRecord(counts)) {
    for (const [id, n] of Object.entries(counts)) if (STORAGE_KEY_PATTERN.test(id) && isHintCount(n) && n > 0) hints[id] = n
  }
  return Object.keys(hints).length ? { labs, hints } : { labs }
}

const STATUS_RANK: Record<LabStatus, number> = { 'not-started': 0, 'in-progress': 1, passed: 2 }

/**
 * Two progress records as one: each lab at the further of its two statuses (a passed lab stays
 * passed), each hint count the larger. What a tab or window saves is merged with what is stored,
 * so one that read the record earlier never writes another's progress away.
 */
export function mergeProgress(a: Progress, b: Progress): Progress {
  const labs: Record<string, LabStatus> = { ...a.labs }
  for (const [id, status] of Object.entries(b.labs)) if (!labs[id] || STATUS_RANK[status] > STATUS_RANK[labs[id]]) labs[id] = status
  const hints: Record<string, number> = { ...a.hints }
  for (const [id, n] of Object.entries(b.hints ?? {})) hints[id] = Math.max(hints[id] ?? 0, n)
  return Object.keys(hints).length ? { labs, hints } : { labs }
}

/** A file to save: a text, or the bytes of a .zip (the Markdown report's folder: report.md and its pictures). */
export type ExportRequest = TextExport | ZipExport

export interface TextExport {
  /** File name offered to the learner, e.g. `bootlab-report.html`. */
  suggestedName: string
  mimeType: ExportMimeType
  text: string
}

export interface ZipExport {
  /** Ends in .zip. */
  suggestedName: string
  mimeType: 'application/zip'
  bytes: Uint8Array
}

export const EXPORT_MIME_TYPES = ['text/markdown', 'text/html', 'text/x-diff', 'application/json', 'text/plain'] as const
export type ExportMimeType = (typeof EXPORT_MIME_TYPES)[number]

/** `saved: false` when the learner cancelled the save dialog. */
export type ExportOutcome = { saved: true; location: string } | { saved: false }

/** A report to print to PDF: its self-contained HTML, and the PDF's suggested file name. */
export interface PdfRequest {
  suggestedName: string
  html: string
}

/** Only https links leave the app (to the system browser, or a new tab in web mode). */
export function isExternalLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:'
  } catch {
    return false
  }
}

/** What the desktop app's menu asks of the page; main sends these on MENU_CHANNEL. */
export const MENU_COMMANDS = ['export-report', 'reload-labs'] as const
export type MenuCommand = (typeof MENU_COMMANDS)[number]
export const MENU_CHANNEL = 'bootlab:menu'

export interface BootlabApi {
  readonly host: 'electron' | 'web'
  loadKernelResources(): Promise<KernelResources>
  listLabs(): Promise<LabRef[]>
  loadLab(id: string): Promise<LabFolder>
  /** The learner's policy text saved under `key` (a lab id, or `workbench-patched-v1` for a bundled policy), or null. */
  loadPolicy(key: string): Promise<string | null>
  savePolicy(key: string, text: string): Promise<void>
  loadProgress(): Promise<Progress>
  saveProgress(progress: Progress): Promise<void>
  exportFile(request: ExportRequest): Promise<ExportOutcome>
  /** Electron: printToPDF, then the save dialog. Web: the browser's print dialog (its "Save as PDF"); resolves `saved: false`. */
  exportPdf(request: PdfRequest): Promise<ExportOutcome>
  /** Opens an https link outside the app; anything else is refused. */
  openExternal(url: string): Promise<void>
  /** Calls `listener` for each app-menu command (never in web mode, which has no app menu). */
  onMenuCommand(listener: (command: MenuCommand) => void): void
}

/** IPC channel of each method; src/preload invokes them and src/main handles them. */
export const BOOTLAB_CHANNELS = {
  loadKernelResources: 'bootlab:load-kernel-resources',
  listLabs: 'bootlab:list-labs',
  loadLab: 'bootlab:load-lab',
  loadPolicy: 'bootlab:load-policy',
  savePolicy: 'bootlab:save-policy',
  loadProgress: 'bootlab:load-progress',
  saveProgress: 'bootlab:save-progress',
  exportFile: 'bootlab:export-file',
  exportPdf: 'bootlab:export-pdf',
  openExternal: 'bootlab:open-external',
} as const satisfies Record<Exclude<keyof BootlabApi, 'host' | 'onMenuCommand'>, string>

declare global {
  interface Window {
    /** Present under Electron (src/preload); absent in web mode. */
    bootlab?: BootlabApi
  }
}
