/*
 * `bootlab lab` renders a README's tables: lab 03's table of black-out windows was dropped
 * whole. Each row is one line of aligned columns when it fits the width, else one record.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import MarkdownIt from 'markdown-it'
import { describe, expect, it } from 'vitest'
import { PLAIN } from '../../src/cli/style'
import { renderMarkdown } from '../../src/cli/terminal-markdown'

const readme = readFileSync(join(import.meta.dirname, '../../labs/03-realm-bug/README.md'), 'utf8')

/** The table's cells as markdown-it reads them (the renderer's own parser, not its output). */
function cells(source: string): string[][] {
  const rows: string[][] = []
  let inTable = false
  for (const t of new MarkdownIt().parse(source, {})) {
    if (t.type === 'table_open' || t.type === 'table_close') inTable = t.type === 'table_open'
    else if (inTable && t.type === 'tr_open') rows.push([])
    else if (inTable && t.type === 'inline') rows.at(-1)!.push(t.content)
  }
  return rows
}

describe('tables in a README at a terminal', () => {
  const rows = cells(readme)

  it('lab 03 has a table to show', () => {
    expect(rows.length).toBeGreaterThan(2)
    expect(rows[0]).toContain('window')
  })

  it('wide enough: one line per row, its cells in order, the columns aligned', () => {
    const lines = renderMarkdown(readme, PLAIN, 120).split('\n')
    const shown = rows.map((row) => lines.find((l) => JSON.stringify(l.split(' | ').map((c) => c.trim())) === JSON.stringify(row)))
    expect(shown.every(Boolean), JSON.stringify(shown)).toBe(true)
    const bars = shown.map((l) => [...l!.matchAll(/ \| /g)].map((m) => m.index))
    for (const b of bars) expect(b).toEqual(bars[0])
  })

  it('too narrow: each row is one record naming its columns', () => {
    const text = renderMarkdown(readme, PLAIN, 40).replace(/\n +/g, ' ')
    for (const row of rows.slice(1)) expect(text).toContain(`- ${rows[0][0]}: ${row[0]}; ${rows[0][1]}: ${row[1]}`)
  })
})
