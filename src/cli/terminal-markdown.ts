/*
 * A lab's README (Markdown) rendered for a terminal, the way `man` or `glow`
 * would: headings bold (a rule under the title), paragraphs wrapped to the
 * width, lists with bullets or numbers, code blocks indented, inline code and
 * emphasis styled, links as "text <url>", tables as aligned columns (one record
 * per row when they do not fit the width). Parsed by markdown-it (as the app's
 * lab pane parses it); raw HTML is shown as text; control characters escaped.
 */
import MarkdownIt from 'markdown-it'

import type { Style } from './style'
import { terminalSafe } from './terminal-text'

const md = new MarkdownIt({ html: false, linkify: false })
type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number]

/** Visible length, without the SGR codes of the style. */
const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length

function wrap(text: string, width: number, indent: string, first = indent): string[] {
  const lines: string[] = []
  let line = first
  let bare = true
  for (const word of text.split(/ +/).filter(Boolean)) {
    if (!bare && visible(line) + 1 + visible(word) > width) {
      lines.push(line)
      line = indent
      bare = true
    }
    line += (bare ? '' : ' ') + word
    bare = false
  }
  if (!bare) lines.push(line)
  return lines
}

function inline(tokens: Token[], style: Style): string {
  let out = ''
  const links: string[] = []
  for (const t of tokens) {
    switch (t.type) {
      case 'text':
      case 'html_inline':
        out += terminalSafe(t.content)
        break
      case 'code_inline':
        out += style.yellow(terminalSafe(t.content))
        break
      case 'strong_open':
        out += '\x00b'
        break
      case 'strong_close':
        out += '\x00B'
        break
      case 'softbreak':
      case 'hardbreak':
        out += ' '
        break
      case 'link_open':
        links.push(String(t.attrGet('href') ?? ''))
        break
      case 'link_close': {
        const href = links.pop()
        if (href && !href.startsWith('#')) out += ` <${terminalSafe(href)}>`
        break
      }
      default:
        if (t.children) out += inline(t.children, style)
    }
  }
  // Bold spans, applied after the text is escaped (the markers are not printable text).
  return out.replace(/\x00b([^\x00]*)\x00B/g, (_, s: string) => style.bold(s)).replace(/\x00[bB]/g, '')
}

/** A table's rows (the header first), each cell's inline text: aligned columns, or one record per row when too wide. */
function table(rows: string[][], style: Style, width: number, indent: string): string[] {
  const [head, ...body] = rows
  const widths = head.map((_, c) => Math.max(...rows.map((r) => visible(r[c] ?? ''))))
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - visible(s)))
  const line = (r: string[]) => indent + head.map((_, c) => pad(r[c] ?? '', widths[c])).join(' | ').trimEnd()
  if (visible(line(head)) <= width && body.every((r) => visible(line(r)) <= width)) {
    return [style.bold(line(head)), indent + widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line), '']
  }
  const out: string[] = []
  for (const r of body) out.push(...wrap(head.map((h, c) => `${h}: ${r[c] ?? ''}`).join('; '), width, `${indent}  `, `${indent}- `))
  return [...out, '']
}

export function renderMarkdown(source: string, style: Style, width = 80): string {
  const tokens = md.parse(source, {})
  const out: string[] = []
  const lists: { ordered: boolean; n: number }[] = []
  let itemFirst = false
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    const indent = '  '.repeat(lists.length)
    switch (t.type) {
      case 'heading_open': {
        const text = inline(tokens[i + 1].children ?? [], style)
        if (out.length && out.at(-1) !== '') out.push('')
        out.push(style.bold(text))
        if (t.tag === 'h1') out.push('='.repeat(Math.min(width, visible(text))))
        else if (t.tag === 'h2') out.push('-'.repeat(Math.min(width, visible(text))))
        out.push('')
        i += 2
        break
      }
      case 'paragraph_open': {
        const text = inline(tokens[i + 1].children ?? [], style)
        if (lists.length && itemFirst) {
          const list = lists.at(-1)!
          const marker = list.ordered ? `${list.n}. ` : '- '
          const base = indent.slice(2)
          out.push(...wrap(text, width, base + ' '.repeat(marker.length), base + marker))
          itemFirst = false
        } else out.push(...wrap(text, width, indent))
        if (!lists.length) out.push('')
        i += 2
        break
      }
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({ ordered: t.type === 'ordered_list_open', n: Number(t.attrGet('start') ?? 1) - 1 })
        break
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop()
        if (!lists.length) out.push('')
        break
      case 'list_item_open':
        lists.at(-1)!.n++
        itemFirst = true
        break
      case 'fence':
      case 'code_block':
        for (const line of t.content.replace(/\n$/, '').split('\n')) out.push(style.dim(`    ${terminalSafe(line)}`))
        out.push('')
        break
      case 'blockquote_open':
        break
      case 'hr':
        out.push('-'.repeat(Math.min(width, 40)), '')
        break
      case 'html_block':
        for (const line of t.content.replace(/\n$/, '').split('\n')) out.push(terminalSafe(line))
        break
      case 'table_open': {
        const rows: string[][] = []
        for (i++; i < tokens.length && tokens[i].type !== 'table_close'; i++) {
          if (tokens[i].type === 'tr_open') rows.push([])
          else if (tokens[i].type === 'inline') rows.at(-1)?.push(inline(tokens[i].children ?? [], style))
        }
        if (rows.length) out.push(...table(rows, style, width, indent))
        break
      }
      default:
        break
    }
  }
  while (out.at(-1) === '') out.pop()
  return out.join('\n')
}
