/*
 * What may cross IPC from the renderer, as zod schemas beside the contract they guard
 * (bootlab-api.ts): each window.bootlab channel's argument list. src/main parses every call
 * with these before it acts, because a compromised renderer must not be able to name
 * arbitrary paths, write huge files or smuggle non-plain objects. Parsing returns fresh plain
 * values; a refusal's message says what was wrong.
 */
import { z } from 'zod'
import { BOOTLAB_CHANNELS, EXPORT_MIME_TYPES, isExternalLink, isHintCount, LAB_STATUSES, type LabStatus, MAX_TEXT_BYTES, STORAGE_KEY_PATTERN } from './bootlab-api'

/** UTF-8 length of a string, as Node's Buffer.byteLength counts it (a lone surrogate is 3 bytes). */
function utf8Length(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

const text = (what: string) => z.string({ error: `${what} must be a string` })

/** A lab id or policy key: a folder-safe name, never a path. */
export const storageKey = (what: string) => text(what).regex(STORAGE_KEY_PATTERN, `${what} must match ${STORAGE_KEY_PATTERN}`)

/** A policy, an export or a report: a string of at most MAX_TEXT_BYTES in UTF-8. */
export const boundedText = (what: string) =>
  text(what).refine((s) => s.length <= MAX_TEXT_BYTES && (s.length * 3 <= MAX_TEXT_BYTES || utf8Length(s) <= MAX_TEXT_BYTES), `${what} is larger than ${MAX_TEXT_BYTES} bytes`)

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The learner's progress: every entry a lab id and a known status (one bad entry refuses the
 * whole record; `notice` is never saved). Checked on the own keys as sent, so a `__proto__`
 * key is refused rather than dropped.
 */
export const progress = z.object(
  {
    labs: z
      .custom<Record<string, LabStatus>>(
        (v) => isRecord(v) && Object.entries(v).every(([id, status]) => STORAGE_KEY_PATTERN.test(id) && LAB_STATUSES.includes(status as LabStatus)),
        `progress.labs must map lab ids to ${LAB_STATUSES.join(' | ')}`,
      )
      .transform((labs) => Object.fromEntries(Object.entries(labs)) as Record<string, LabStatus>),
    hints: z
      .custom<Record<string, number>>(
        (v) => isRecord(v) && Object.entries(v).every(([id, n]) => STORAGE_KEY_PATTERN.test(id) && isHintCount(n)),
        'progress.hints must map lab ids to hint counts (whole numbers)',
      )
      .transform((hints) => Object.fromEntries(Object.entries(hints)) as Record<string, number>)
      .optional(),
  },
  { error: 'progress must be an object' },
)

/** A bare file name: no folders, no leading dot, nothing a save dialog would misread. */
const exportName = text('export suggestedName').regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,119}$/, 'export suggestedName must be a plain file name')

const MIME_TYPES = [...EXPORT_MIME_TYPES, 'application/zip']

/** A text of one of the text types, or a .zip's bytes (a Uint8Array, bounded like a text). */
export const exportRequest = z.discriminatedUnion(
  'mimeType',
  [
    z.object({ suggestedName: exportName, mimeType: z.enum(EXPORT_MIME_TYPES), text: boundedText('export text') }),
    z.object({
      suggestedName: exportName.refine((n) => n.endsWith('.zip'), 'a .zip export\'s suggestedName must end in .zip'),
      mimeType: z.literal('application/zip'),
      bytes: z.instanceof(Uint8Array, { error: 'a .zip export\'s bytes must be a Uint8Array' }).refine((b) => b.byteLength <= MAX_TEXT_BYTES, `a .zip export is larger than ${MAX_TEXT_BYTES} bytes`),
    }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `export mimeType must be one of ${MIME_TYPES.join(', ')}` : issue.input === null || typeof issue.input !== 'object' ? 'export request must be an object' : undefined) },
)

export const pdfRequest = z.object(
  { suggestedName: exportName.refine((n) => n.endsWith('.pdf'), 'PDF suggestedName must end in .pdf'), html: boundedText('report HTML') },
  { error: 'PDF request must be an object' },
)

/** An https URL of bounded length: nothing else is handed to the system browser. */
export const externalLink = z.string({ error: 'only https links open outside the app' }).refine((url) => url.length <= 2048 && isExternalLink(url), 'only https links open outside the app')

/** A call that takes no arguments: whatever the page sends is dropped, never passed on. */
const none = z.array(z.unknown()).transform((): [] => [])

/** Each channel's argument list, exactly as the preload (src/preload/index.ts) sends it. */
export const IPC_ARGUMENTS = {
  loadKernelResources: none,
  listLabs: none,
  loadLab: z.tuple([storageKey('lab id')]),
  loadPolicy: z.tuple([storageKey('policy key')]),
  savePolicy: z.tuple([storageKey('policy key'), boundedText('policy text')]),
  loadProgress: none,
  saveProgress: z.tuple([progress]),
  exportFile: z.tuple([exportRequest]),
  exportPdf: z.tuple([pdfRequest]),
  openExternal: z.tuple([externalLink]),
} satisfies Record<keyof typeof BOOTLAB_CHANNELS, z.ZodType<unknown[], unknown[]>>

export type IpcChannel = keyof typeof IPC_ARGUMENTS
export type IpcArguments<C extends IpcChannel> = z.output<(typeof IPC_ARGUMENTS)[C]>
