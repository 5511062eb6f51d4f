/*
 * Checks every argument that crosses IPC from the renderer before main acts on
 * it: a compromised renderer must not be able to name arbitrary paths, write
 * huge files or smuggle non-plain objects. Each function returns the value
 * typed, or throws with a message saying what was wrong.
 */
import type { ExportRequest, PdfRequest, Progress } from '../shared/bootlab-api'
import { EXPORT_MIME_TYPES, isExternalLink, MAX_TEXT_BYTES, sanitizeProgress, STORAGE_KEY_PATTERN } from '../shared/bootlab-api'

export class InvalidArgument extends Error {}

export function storageKey(value: unknown, what: string): string {
  if (typeof value !== 'string' || !STORAGE_KEY_PATTERN.test(value)) {
    throw new InvalidArgument(`${what} must match ${STORAGE_KEY_PATTERN}`)
  }
  return value
}

export function boundedText(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InvalidArgument(`${what} must be a string`)
  if (Buffer.byteLength(value, 'utf8') > MAX_TEXT_BYTES) throw new InvalidArgument(`${what} is larger than ${MAX_TEXT_BYTES} bytes`)
  return value
}

export function progress(value: unknown): Progress {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgument('progress must be an object')
  const clean = sanitizeProgress(value)
  const given = (value as { labs?: unknown }).labs
  if (typeof given !== 'object' || given === null || Object.keys(given).length !== Object.keys(clean.labs).length) {
    throw new InvalidArgument('progress.labs must map lab ids to not-started | in-progress | passed')
  }
  return clean
}

/** A bare file name: no folders, no leading dot, nothing a save dialog would misread. */
const EXPORT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,119}$/

function exportName(value: unknown): string {
  if (typeof value !== 'string' || !EXPORT_NAME_PATTERN.test(value)) throw new InvalidArgument('export suggestedName must be a plain file name')
  return value
}

export function exportRequest(value: unknown): ExportRequest {
  if (typeof value !== 'object' || value === null) throw new InvalidArgument('export request must be an object')
  const { suggestedName: name, mimeType, text } = value as Record<string, unknown>
  const suggestedName = exportName(name)
  if (!EXPORT_MIME_TYPES.includes(mimeType as ExportRequest['mimeType'])) {
    throw new InvalidArgument(`export mimeType must be one of ${EXPORT_MIME_TYPES.join(', ')}`)
  }
  return { suggestedName, mimeType: mimeType as ExportRequest['mimeType'], text: boundedText(text, 'export text') }
}

export function pdfRequest(value: unknown): PdfRequest {
  if (typeof value !== 'object' || value === null) throw new InvalidArgument('PDF request must be an object')
  const { suggestedName, html } = value as Record<string, unknown>
  const name = exportName(suggestedName)
  if (!name.endsWith('.pdf')) throw new InvalidArgument('PDF suggestedName must end in .pdf')
  return { suggestedName: name, html: boundedText(html, 'report HTML') }
}

/** An https URL, of bounded length: nothing else is handed to the system browser. */
export function externalLink(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048 || !isExternalLink(value)) throw new InvalidArgument('only https links open outside the app')
  return value
}
