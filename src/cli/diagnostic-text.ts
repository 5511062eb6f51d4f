/*
 * A policy diagnostic printed the way gcc prints one, so a learner reads it as
 * they would a compiler's:
 *
 *   lab5.c:26:30: error: expected ';' before 'swiotlb_update_mem_attributes'
 *      26 |         swiotlb_init(swiotlb, flags)
 *         |                                     ^
 *
 * Tabs in the quoted line are expanded so the caret stands under the column;
 * the quoted source has its control characters escaped (terminal-text.ts).
 */
import type { Diagnostic } from '../core'
import type { Style } from './style'
import { terminalSafe } from './terminal-text'

const TAB = 8

/** The lines for one diagnostic; the caret line only when `source` holds the line. */
export function formatDiagnostic(d: Diagnostic, source: string | undefined, style: Style): string[] {
  const severity = d.severity === 'error' ? style.red('error') : style.yellow('warning')
  const message = d.message.replace(/^syntax error: /, '')
  const head = `${style.bold(terminalSafe(`${d.file}:${d.line}:${d.column}:`))} ${severity}: ${terminalSafe(message)}`
  const line = source?.split(/\r\n|\r|\n/)[d.line - 1]
  if (line === undefined) return [head]
  let shown = ''
  let caretAt = 0
  for (let i = 0; i < line.length; i++) {
    if (i === d.column - 1) caretAt = shown.length
    shown += line[i] === '\t' ? ' '.repeat(TAB - (shown.length % TAB)) : terminalSafe(line[i])
  }
  if (d.column - 1 >= line.length) caretAt = shown.length
  const width = d.endLine === d.line ? Math.max(1, d.endColumn - d.column) : 1
  const gutter = String(d.line).padStart(5)
  return [head, `${gutter} | ${shown}`, `${' '.repeat(gutter.length)} | ${' '.repeat(caretAt)}${style.green('^' + '~'.repeat(Math.min(width, 200) - 1))}`]
}
