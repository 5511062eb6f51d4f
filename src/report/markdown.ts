/*
 * The lab report as Markdown (CommonMark with GitHub tables). Same sections as
 * the HTML report; the policy's patch sits in a ```diff block that `git apply`
 * accepts once copied out. Everything taken from the input is escaped or fenced,
 * so a learner's text cannot change the report's structure.
 *
 * The report is a folder (renderMarkdownFolder): report.md with its pictures as
 * .svg files beside it (timeline.svg, map-1-after-map_mem.svg, ...) and the
 * policy's policy.patch (left out when the policy is unchanged), because
 * Markdown viewers (GitHub, markdown-it with its defaults) refuse SVG data URIs.
 * A host that saves one file (the app) saves the folder as a .zip
 * (renderMarkdownZip).
 *
 * CommonMark ends a line at LF, CR or CRLF alike, so every escape works on
 * normalised line ends: a lone CR in a name or a panic() message is a line end
 * too, and must not start a block.
 */
import { strToU8, zipSync } from 'fflate'
import { type BootResult, formatSize, formatVirt, virt } from '../core'
import { type CompareSummary, consoleHunks } from './compare'
import { describeMapState, formatCounter, goalScore, policyPatch, type ReportInput, reportPtdump, reportTitle, SECTIONS, type SectionId, shownLearner, unifiedLines, verdictLabel } from './content'
import { kernelImageAlias, memoryMapSvg } from './svg-memory-map'
import { timelineSvg } from './svg-timeline'

// At most this many differing map ranges are listed; the rest are counted.
const MAX_MAP_ROWS = 40

// What opens a block (list item, heading, setext underline) at the start of a line.
const LATER_LINE_MARKER = /\n(\s*)([-+=#]|\d+[.)])/g
const FIRST_LINE_MARKER = /^(\s*)([-+=#]|\d+[.)])/

// Every line ending CommonMark knows.
const LINE_END = /\r\n|\r|\n/g
// Line ends with the blank space around them: a blank line would end the paragraph or list item.
const LINE_BREAKS = /[ \t]*(?:(?:\r\n|\r|\n)[ \t]*)+/g

const escapeMarker = (marker: string): string => marker.replace(/[-+=#.)]/, (c) => `\\${c}`)

/**
 * Inline text with Markdown's and HTML's specials backslash-escaped; its lines
 * stay lines of one paragraph (no blank line, no indent) and any later line
 * that would open a block is escaped.
 */
function text(s: string): string {
  return s
    .replace(LINE_BREAKS, '\n')
    .replace(/^\n|\n$/g, '')
    .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
    .replace(LATER_LINE_MARKER, (_, space: string, marker: string) => `\n${space}${escapeMarker(marker)}`)
}

/** A line of its own (a list item, inside a quote): like text, and its start cannot open a block (or indented code) either. */
function line(s: string): string {
  return text(s.replace(/^[ \t]+/, '')).replace(FIRST_LINE_MARKER, (_, space: string, marker: string) => `${space}${escapeMarker(marker)}`)
}

/** A code span: its content is not interpreted, so only backticks need replacing. */
function code(s: string): string {
  return `\`${s.replace(/`/g, "'").replace(LINE_END, ' ')}\``
}

/** A table cell: escaped, on one line. */
function cell(s: string): string {
  return text(s.replace(LINE_END, ' '))
}

/** A fenced code block whose fence is longer than any backtick run inside. */
function fence(body: string, language: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length))
  const bar = '`'.repeat(longest + 1)
  return `${bar}${language}\n${body.endsWith('\n') || !body ? body : body + '\n'}${bar}`
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- |').join('')}`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

/** One file of a report folder. */
export interface ReportFile {
  name: string
  mimeType: string
  text: string
}

/** The files report.md links to (its pictures, policy.patch), collected as the text is written, each name after `prefix`. */
interface Output {
  files: ReportFile[]
  prefix: string
}

function svgImage(out: Output, name: string, alt: string, svg: string): string {
  out.files.push({ name: out.prefix + name, mimeType: 'image/svg+xml', text: svg })
  return `![${cell(alt)}](${out.prefix + name})`
}

/** `after map_mem` → `after-map_mem`: a picture's file name part. */
const slug = (label: string): string => label.replace(/[^A-Za-z0-9_]+/g, '-').replace(/^-|-$/g, '').toLowerCase()

function heading(id: SectionId): string {
  return `## ${SECTIONS[id]}`
}

function goals(input: ReportInput): string[] {
  if (!input.lab) return [heading('goals'), '', 'No lab: a free boot, nothing graded.']
  const { earned, total } = goalScore(input.lab.goals)
  return [
    heading('goals'),
    '',
    `Score: **${earned} / ${total}**`,
    '',
    // Several pieces of evidence share a cell, joined by ' · ': a <br> is shown as text by markdown-it (HTML off).
    table(
      ['Goal', 'Weight', 'Result', 'Why', 'Evidence'],
      input.lab.goals.map((g) => [cell(g.name), String(g.weight), g.passed ? '✅ pass' : '❌ FAIL', cell(g.message), g.evidence.map(cell).join(' · ') || '—']),
    ),
  ]
}

function verdict(r: BootResult, lab: ReportInput['lab']): string[] {
  const expectation = lab?.expectation ? [`*${text(lab.expectation.text)}*`, ''] : []
  return [heading('verdict'), '', `**${verdictLabel(r.verdict.status)}**: ${text(r.verdict.headline)}`, '', ...expectation, ...r.verdict.causes.map((c, i) => `${i + 1}. ${line(c)}`)]
}

function assumptions(r: BootResult): string[] {
  const body = r.assumptions.length ? r.assumptions.map((a) => `- **Unverified:** ${text(a)}`) : ['The model made no unverified assumption in this boot.']
  return [heading('assumptions'), '', ...body]
}

function policy(input: ReportInput, out: Output): string[] {
  const patch = policyPatch(input)
  const patchFile = `${out.prefix}policy.patch`
  if (patch) out.files.push({ name: patchFile, mimeType: 'text/x-diff', text: patch })
  return [
    heading('policy'),
    '',
    `${code(input.policyFile)}:`,
    '',
    fence(input.policy, 'c'),
    '',
    heading('patch'),
    '',
    patch
      ? `[${cell(patchFile)}](${patchFile}), against ${code(input.startPolicyName)} (\`git apply\` it to a copy of that file named ${code(input.policyFile)}):`
      : `The policy is the starting policy, ${code(input.startPolicyName)}, unchanged: there is nothing to patch.`,
    ...(patch ? ['', fence(patch, 'diff')] : []),
  ]
}

function consoleSection(r: BootResult): string[] {
  const splats = r.splats.map((s) => {
    const [first, last] = s.lines
    const site = `${s.site.fn} (${s.site.file}${s.site.line ? `:${s.site.line}` : ''}, ${s.site.origin === 'policy' ? 'your policy' : 'kernel'})`
    return `- **${s.kind.toUpperCase()}** at ${text(site)}${s.message ? `: ${text(s.message)}` : ''} — console lines ${first + 1}–${last + 1}`
  })
  return [heading('console'), '', fence(r.console.map((l) => l.line).join('\n'), 'text'), '', ...(splats.length ? ['Splats:', '', ...splats] : ['No WARN, Oops or panic.'])]
}

function pictures(input: ReportInput, out: Output): string[] {
  const r = input.result
  const image = kernelImageAlias(r)
  const last = r.snapshots.length - 1
  const highlight = input.compare?.mapDifferences
  return [
    heading('timeline'),
    '',
    svgImage(out, 'timeline.svg', `Boot timeline of ${r.policyName} on ${r.scenarioName}`, timelineSvg(r)),
    '',
    heading('memory-map'),
    '',
    ...r.snapshots.flatMap((s, i) => [
      `**${text(s.label)}** (step ${s.step}${s.step in r.steps ? `, ${text(r.steps[s.step].fn)}()` : ''}):`,
      '',
      svgImage(out, `map-${i + 1}-${slug(s.label)}.svg`, `Linear map ${s.label}`, memoryMapSvg(s, { kernelImage: image, highlight: i === last ? highlight : undefined })),
      '',
    ]),
  ]
}

function ptdump(input: ReportInput): string[] {
  const dump = reportPtdump(input)
  return [
    heading('ptdump'),
    '',
    `The linear map **${text(dump.label)}** as the kernel's ${code('/sys/kernel/debug/kernel_page_tables')} prints it (arch/arm64/mm/ptdump.c); ${code('NS')} is the model's column for the realm's shared bit.`,
    '',
    fence(dump.lines.join('\n'), 'text'),
    ...(dump.diff ? ['', '### ptdump diff (- left only, + right only)', '', fence(unifiedLines(dump.diff).join('\n'), 'diff')] : []),
  ]
}

function callers(r: BootResult): string[] {
  if (!r.calls.length) return [heading('callers'), '', 'No caller shared memory in this boot.']
  return [
    heading('callers'),
    '',
    table(
      ['Caller', 'Function', 'Step', 'Window', 'Size', 'Outcome'],
      r.calls.map((c) => [
        cell(c.caller) + (c.assumption ? ' (unverified)' : ''),
        cell(`${c.fn}()`),
        cell(`${r.steps[c.step]?.fn ?? c.step}()`),
        c.window,
        formatSize(c.size),
        `${c.outcome}${c.ret ? ` (${cell(c.errno ?? String(c.ret))})` : ''}`,
      ]),
    ),
  ]
}

function compare(c: CompareSummary): string[] {
  const stepRows = c.steps.filter((s) => s.differs)
  const calls = (side: CompareSummary['steps'][number]['left']) =>
    side ? side.calls.map((k) => cell(`${k.caller}: ${k.outcome}${k.errno ? ` (${k.errno})` : ''}`)).join(' · ') || 'no calls' : 'not reached'
  const hunks = consoleHunks(c.console)
  const sign = { both: ' ', left: '-', right: '+' } as const
  const mapRows = c.mapDifferences.slice(0, MAX_MAP_ROWS)
  return [
    heading('compare'),
    '',
    `- Left: ${code(c.left.policyName)} on ${cell(c.left.scenarioName)}: **${verdictLabel(c.left.verdict.status)}**: ${text(c.left.verdict.headline)}`,
    `- Right: ${code(c.right.policyName)} on ${cell(c.right.scenarioName)}: **${verdictLabel(c.right.verdict.status)}**: ${text(c.right.verdict.headline)}`,
    '',
    `**First divergence:** ${c.divergence ? text(c.divergence.explanation) : 'none — the two boots are identical.'}`,
    '',
    '### Counters',
    '',
    table(['Counter', 'Left', 'Right', ''], c.counters.map((k) => [cell(k.name), formatCounter(k.left), formatCounter(k.right), k.differs ? '≠' : ''])),
    '',
    '### Steps whose callers differ',
    '',
    stepRows.length ? table(['Step', 'Left', 'Right'], stepRows.map((s) => [cell(`${s.fn}()`), calls(s.left), calls(s.right)])) : 'Every step ran on both sides with the same caller outcomes.',
    '',
    '### Console diff (timestamps ignored; - left only, + right only)',
    '',
    hunks.length ? fence(hunks.map((h) => h.map((row) => `${sign[row.side]}${row.text}`).join('\n')).join('\n@@\n'), 'diff') : 'The consoles are the same line for line.',
    '',
    `### Memory map differences (${cell(c.mapSnapshots.left)} vs ${cell(c.mapSnapshots.right)})`,
    '',
    mapRows.length
      ? table(
          ['VA', 'Size', 'Left', 'Right'],
          mapRows.map((d) => [formatVirt(virt(d.va)), formatSize(d.size), describeMapState(d.left), describeMapState(d.right)]),
        ) + (c.mapDifferences.length > MAX_MAP_ROWS ? `\n\n…and ${c.mapDifferences.length - MAX_MAP_ROWS} more ranges.` : '')
      : 'The final linear maps are the same.',
  ]
}

function answers(input: ReportInput): string[] {
  const questions = input.lab?.questions ?? []
  if (!questions.length) return [heading('answers'), '', 'No questions.']
  return [heading('answers'), '', ...questions.flatMap((q, i) => [`**${i + 1}. ${withCode(q.question)}**`, '', ...quoted(q.answer), ''])]
}

/**
 * A learner's answer as a block quote, escaped, its lines kept as lines (a hard break ends each
 * one; a blank line starts a paragraph) and their indentation kept as no-break spaces (a tab as
 * four; Markdown drops a line's leading blanks), so a list or a call chain typed as an answer
 * reads as typed.
 */
function quoted(answer: string): string[] {
  if (!answer.trim()) return ['> *(no answer)*']
  const lines = answer.replace(/^(?:[ \t]*(?:\r\n|\r|\n))+/, '').trimEnd().split(LINE_END)
  return lines.map((l, i) => {
    if (!l.trim()) return '>'
    const next = lines[i + 1]
    const indent = /^[ \t]*/.exec(l)![0].replace(/\t/g, '    ').length
    return `> ${'&nbsp;'.repeat(indent)}${line(l)}${next !== undefined && next.trim() ? '\\' : ''}`
  })
}

/** A lab's line of text with its `code` spans kept as code, the rest escaped. */
function withCode(s: string): string {
  return s
    .replace(LINE_END, ' ')
    .split(/(`[^`]+`)/)
    .map((part, i) => (i % 2 ? code(part.slice(1, -1)) : cell(part)))
    .join('')
}

/**
 * The report as a folder: report.md first, then the pictures and policy.patch it links to, their
 * names after `prefix` (the command line gives `<report>.`, so reports side by side in one folder
 * keep their own pictures).
 */
export function renderMarkdownFolder(input: ReportInput, prefix = ''): ReportFile[] {
  const out: Output = { files: [], prefix }
  const text = markdown(input, out)
  return [{ name: 'report.md', mimeType: 'text/markdown', text }, ...out.files]
}

/**
 * The folder as one .zip, for a host that saves one file: every file under `folder/`, dated the
 * report's date, so the same report gives the same bytes.
 */
export function renderMarkdownZip(input: ReportInput, folder: string): Uint8Array {
  const files = renderMarkdownFolder(input).map((f) => [`${folder}/${f.name}`, strToU8(f.text)] as const)
  return zipSync(Object.fromEntries(files), { mtime: `${input.date}T12:00:00` })
}

function markdown(input: ReportInput, out: Output): string {
  const r = input.result
  const lab = input.lab
  const lines = [
    `# ${cell(reportTitle(input))}`,
    '',
    `- Learner: ${cell(shownLearner(input))}`,
    `- Date: ${cell(input.date)}`,
    ...(lab ? [`- Lab: ${cell(lab.id)}`] : []),
    `- Scenario: ${cell(input.scenarioName)}`,
    `- Policy: ${cell(input.policyFile)}`,
    `- Kernel ${cell(r.kernelVersion)}, ${cell(r.version)}`,
    '',
    ...goals(input),
    '',
    heading('hints'),
    '',
    lab ? `Hints used: ${lab.hintsUsed}` : 'No lab: no hints.',
    '',
    ...answers(input),
    ...verdict(r, input.lab),
    '',
    ...assumptions(r),
    '',
    ...policy(input, out),
    '',
    ...consoleSection(r),
    '',
    ...pictures(input, out),
    ...ptdump(input),
    '',
    ...callers(r),
    '',
    ...(input.compare ? [...compare(input.compare), ''] : []),
  ]
  return lines.join('\n').replace(/\n*$/, '\n')
}
