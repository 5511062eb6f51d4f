/*
 * The structure of a rendered report, as a reader's tools see it: the Markdown
 * parsed by markdown-it (CommonMark with GitHub tables, as GitHub and VS Code
 * render it) and the HTML's tags. Two reports of the same shape, one holding a
 * learner's hostile text and one a plain placeholder in its place, must have
 * the same structure: headings, tables and their rows, rules, code blocks.
 * A learner's own answer quote may hold paragraphs of its own and is skipped.
 */
import MarkdownIt from 'markdown-it'
import type { ReportInput } from '../../src/report/content'

const md = new MarkdownIt()
const STRUCTURE = new Set(['heading_open', 'table_open', 'tr_open', 'th_open', 'td_open', 'hr', 'fence', 'code_block', 'html_block', 'bullet_list_open', 'ordered_list_open', 'list_item_open', 'blockquote_open'])

/** The block tokens of the writer's own structure, outside the learner's answer quotes. */
export function markdownStructure(markdown: string): string[] {
  let quoted = 0
  const out: string[] = []
  for (const t of md.parse(markdown, {})) {
    if (t.type === 'blockquote_close') quoted--
    else if (quoted === 0 && STRUCTURE.has(t.type)) out.push(`${t.type}:${t.tag}@${t.level}`)
    if (t.type === 'blockquote_open') quoted++
  }
  return out
}

/** The headings as markdown-it renders their text. */
export function markdownHeadings(markdown: string): string[] {
  const tokens = md.parse(markdown, {})
  return tokens.flatMap((t, i) => (t.type === 'heading_open' ? [`${t.tag} ${tokens[i + 1].content}`] : []))
}

/**
 * The HTML report's element structure: every opening tag's name, in order, except inline <code>
 * (a lab's question shows its `code` spans as code, as the Markdown does; like an inline code
 * span in markdownStructure, it cannot open a block, and code blocks are <pre>).
 */
export function htmlStructure(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1].toLowerCase()).filter((tag) => tag !== 'code')
}

/**
 * Every string of the report a learner or a policy can choose, replaced by
 * `pick(i)` for the i-th of them: the learner's name, the lab's texts, the
 * file names, the verdict, assumptions, WARN and panic messages, snapshot
 * labels and callers. `pick` sees the original, so a placeholder can keep
 * an empty string empty.
 */
export function replaceStrings(input: ReportInput, pick: (i: number, original: string) => string): ReportInput {
  const copy = structuredClone(input) as ReportInput & { lab: NonNullable<ReportInput['lab']> }
  let n = 0
  const p = (s: string) => pick(n++, s)
  copy.learner = p(copy.learner)
  copy.date = p(copy.date)
  copy.scenarioName = p(copy.scenarioName)
  copy.policyFile = p(copy.policyFile)
  copy.startPolicyName = p(copy.startPolicyName)
  if (copy.lab) {
    copy.lab.id = p(copy.lab.id)
    copy.lab.title = p(copy.lab.title)
    copy.lab.goals = copy.lab.goals.map((g) => ({ ...g, name: p(g.name), message: p(g.message), evidence: g.evidence.map(p) }))
    copy.lab.questions = copy.lab.questions.map((q) => ({ question: p(q.question), answer: p(q.answer) }))
  }
  const r = copy.result
  r.verdict.headline = p(r.verdict.headline)
  r.verdict.causes = r.verdict.causes.map(p)
  r.assumptions = r.assumptions.map(p)
  for (const s of r.splats) if (s.message !== undefined) s.message = p(s.message)
  for (const s of r.snapshots) s.label = p(s.label)
  for (const c of r.calls) c.caller = p(c.caller)
  r.kernelVersion = p(r.kernelVersion)
  return copy
}
