/*
 * The lab report: the Markdown report's patch applies with `git apply` to the
 * starting policy and gives the learner's policy; the HTML report has every
 * section, refers to nothing outside itself and escapes what it is given.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import MarkdownIt from 'markdown-it'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BootResult } from '../../src/core'
import { compareBoots } from '../../src/report/compare'
import { policyPatch, type ReportInput, SECTIONS } from '../../src/report/content'
import { escapeXml } from '../../src/report/escape'
import { renderHtml } from '../../src/report/html'
import { renderMarkdownFolder } from '../../src/report/markdown'

/** report.md of the Markdown report's folder. */
const renderMarkdown = (input: Parameters<typeof renderMarkdownFolder>[0]) => renderMarkdownFolder(input)[0].text
import { bootWith } from '../helpers/boot'
import { PATCHED_V2, swiotlbInPreinit } from './policies'

/** The learner's edit, plus text that tries to break out of fences, tables and elements. */
const LEARNER_POLICY = `${swiotlbInPreinit()}\n/* \`\`\`\` fence, | pipe, <script>alert(1)</script> & </pre> */\n`

/** The body of the first ```diff block after the patch heading. */
function patchFromMarkdown(markdown: string): string {
  const lines = markdown.split('\n')
  const heading = lines.indexOf(`## ${SECTIONS.patch}`)
  const open = lines.findIndex((l, i) => i > heading && /^`{3,}diff$/.test(l))
  const fence = lines[open].replace('diff', '')
  const close = lines.indexOf(fence, open + 1)
  return lines.slice(open + 1, close).join('\n') + '\n'
}

/** `git apply` `patch` in a fresh repository holding `start` as `file`; the file afterwards. */
function gitApply(file: string, start: string, patch: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bootlab-patch-'))
  execFileSync('git', ['init', '-q'], { cwd: dir })
  writeFileSync(join(dir, file), start)
  writeFileSync(join(dir, 'learner.patch'), patch)
  execFileSync('git', ['apply', '--check', 'learner.patch'], { cwd: dir })
  execFileSync('git', ['apply', 'learner.patch'], { cwd: dir })
  return readFileSync(join(dir, file), 'utf8')
}

describe('lab report', () => {
  let learner: BootResult
  let start: BootResult
  let input: ReportInput

  beforeAll(async () => {
    learner = await bootWith('realm', LEARNER_POLICY, 'policy.c')
    start = await bootWith('realm', PATCHED_V2, 'start.c')
    input = {
      learner: 'Ada <Lovelace> & "co"',
      date: '2026-04-02',
      lab: {
        id: '05-move-swiotlb',
        title: 'Move the swiotlb call',
        goals: [
          { name: 'boots', weight: 2, passed: false, message: 'The realm guest must reach userspace.', evidence: ['verdict failed in boot of realm'] },
          { name: 'no WARN in *window 1*', weight: 1, passed: true, message: 'No split before the page allocator.', evidence: [] },
        ],
        hintsUsed: 2,
        questions: [
          { question: 'Why does the split fail in `arch_mm_preinit()`?', answer: '# not a heading\n1. not a list\n<b>not bold</b>' },
          { question: 'Unanswered?', answer: '' },
        ],
      },
      scenarioName: 'realm',
      policyFile: 'policy.c',
      startPolicyName: 'start.c',
      startPolicy: PATCHED_V2,
      policy: LEARNER_POLICY,
      result: learner,
      compare: compareBoots(learner, start),
    }
  })

  it("Markdown: the .patch applies with git apply onto the starting policy and yields the learner's policy", () => {
    const markdown = renderMarkdown(input)
    const patch = patchFromMarkdown(markdown)
    expect(patch).toBe(policyPatch(input))
    expect(patch).toMatch(/^diff --git a\/policy\.c b\/policy\.c\n--- a\/policy\.c\n\+\+\+ b\/policy\.c\n@@ /)
    expect(gitApply('policy.c', PATCHED_V2, patch)).toBe(LEARNER_POLICY)
  })

  it('a goal with several pieces of evidence reads as text in Markdown rendered as markdown-it does, with no raw tag', () => {
    const lab = input.lab!
    const two: ReportInput = { ...input, lab: { ...lab, goals: [{ ...lab.goals[0], evidence: ['first fact in boot of realm', 'second fact in boot of host'] }] } }
    const html = new MarkdownIt().render(renderMarkdown(two))
    expect(html).toContain('first fact in boot of realm')
    expect(html).toContain('second fact in boot of host')
    expect(html).not.toContain('&lt;br&gt;')
  })

  it('HTML: a policy that starts with a blank line keeps it, and one holding a lone surrogate still exports', () => {
    const blank = { ...input, policy: `\n${LEARNER_POLICY}` }
    const page = renderHtml(blank)
    const pre = /<pre class="policy">([\s\S]*?)<\/pre>/.exec(page)![1]
    // The HTML parser drops one newline right after <pre>: the text must survive that.
    expect(pre.replace(/^\n/, '')).toBe(escapeXml(blank.policy))
    const lone = { ...input, policy: `${LEARNER_POLICY}/* \ud800 */\n` }
    expect(() => renderHtml(lone)).not.toThrow()
    expect(renderHtml(lone)).toContain('%EF%BF%BD')
  })

  it('policyPatch also round-trips a file without a final newline, and is empty for an unchanged policy', () => {
    const edited = { policyFile: 'p.c', startPolicy: 'int a;\nint b;', policy: 'int a;\nint c;' }
    expect(gitApply('p.c', edited.startPolicy, policyPatch(edited))).toBe(edited.policy)
    expect(policyPatch({ ...edited, policy: edited.startPolicy })).toBe('')
  })

  it('Markdown: an answer typed with indentation (a call chain, a nested list) keeps it when rendered, as the HTML report does', () => {
    const answer = '  start_kernel\n    mm_core_init\n\t\tmem_init\n- not a list'
    const markdown = renderMarkdown({ ...input, lab: { ...input.lab!, questions: [{ question: 'Where?', answer }] } })
    const html = new MarkdownIt().render(markdown)
    const quote = /<blockquote>\n<p>([^]*?)<\/p>\n<\/blockquote>/.exec(html)![1]
    // Each line's leading blanks as no-break spaces (a tab as four), so the rendered lines start where the typed ones did.
    expect(quote.split('<br>\n').map((l) => l.replace(/^(\u00a0*).*/, (_, lead: string) => String(lead.length)))).toEqual(['2', '4', '8', '0'])
    expect(quote.split('<br>\n').map((l) => l.replace(/^\u00a0*/, ''))).toEqual(['start_kernel', 'mm_core_init', 'mem_init', '- not a list'])
  })

  it('a report exported without a name says "unnamed learner" (as the command line without --learner), never a blank line', () => {
    for (const learner of ['', '   ']) {
      expect(renderMarkdown({ ...input, learner })).toContain('- Learner: unnamed learner')
      expect(renderHtml({ ...input, learner })).toContain('<dt>Learner</dt><dd>unnamed learner</dd>')
    }
  })

  it('Markdown: every section, in order, with the content escaped', () => {
    const markdown = renderMarkdown(input)
    const headings = markdown.split('\n').filter((l) => l.startsWith('## '))
    expect(headings).toEqual(Object.values(SECTIONS).map((t) => `## ${t}`))
    expect(markdown).toContain('- Learner: Ada \\<Lovelace\\> \\& "co"')
    expect(markdown).toContain('Score: **1 / 3**')
    expect(markdown).toContain('| no WARN in \\*window 1\\* | 1 | ✅ pass |')
    expect(markdown).toContain('Hints used: 2')
    expect(markdown).toContain('> \\# not a heading\\\n> 1\\. not a list\\\n> \\<b\\>not bold\\</b\\>')
    // Rendered, the answer keeps its three lines as lines of one quote, none of them a heading, list or tag;
    // the question's code span is code.
    const html = new MarkdownIt().render(markdown)
    expect(html).toContain('<blockquote>\n<p># not a heading<br>\n1. not a list<br>\n&lt;b&gt;not bold&lt;/b&gt;</p>\n</blockquote>')
    expect(html).toContain('<strong>1. Why does the split fail in <code>arch_mm_preinit()</code>?</strong>')
    expect(markdown).toContain('> *(no answer)*')
    expect(markdown).toMatch(/^- \*\*Unverified:\*\* /m)
    expect(markdown).toContain('**First divergence:** The boots diverge in arch\\_mm\\_preinit()')
    // The policy's four backticks need a five-backtick fence.
    expect(markdown).toContain('`````c\n')
    expect(markdown).toContain('![Boot timeline of policy.c on realm](timeline.svg)')
    // Every link is to a file of the report's folder: nothing outside it.
    const files = renderMarkdownFolder(input).map((f) => f.name)
    const targets = [...markdown.matchAll(/\]\(([^)\s]*)\)/g)].map((m) => m[1])
    expect(targets.length).toBeGreaterThan(1)
    for (const target of targets) expect(files).toContain(target)
  })

  it('HTML: every section, the verdict, the highlighted splats, the SVGs and the compare summary', () => {
    const html = renderHtml(input)
    for (const id of Object.keys(SECTIONS)) expect(html).toContain(`<section id="${id}">`)
    expect(html).toContain('<title>Move the swiotlb call</title>')
    expect(html).toContain('<h3>1. Why does the split fail in <code>arch_mm_preinit()</code>?</h3>')
    // The answers come right after the goals and hints, before the policy and the pictures.
    expect(html.indexOf('<section id="answers">')).toBeLessThan(html.indexOf('<section id="policy">'))
    expect(html).toContain('<dt>Learner</dt><dd>Ada &lt;Lovelace&gt; &amp; &quot;co&quot;</dd>')
    expect(html).toContain('<dt>Date</dt><dd>2026-04-02</dd>')
    expect(html).toContain('<p>Score: <strong>1 / 3</strong></p>')
    expect(html).toContain('<p class="verdict failed"><strong>FAILED</strong>')
    expect(html).toMatch(/<span class="splat splat-warn headline">\[ {4}0\.000000\] WARNING: arch\/arm64\/mm\/mmu\.c:\d+ at split_kernel_leaf_mapping/)
    expect(html).toMatch(/<span class="unverified">UNVERIFIED<\/span>/)
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="bootlab-timeline"')
    expect(html.match(/class="bootlab-memory-map"/g)).toHaveLength(learner.snapshots.length)
    expect(html).toContain('<title>differs from the compared boot</title>')
    expect(html).toContain('<h3>Console diff')
    expect(html).toContain('<blockquote># not a heading\n1. not a list\n&lt;b&gt;not bold&lt;/b&gt;</blockquote>')
  })

  it('HTML: no script, no external URL, a CSP that forbids fetching, and the learner text escaped', () => {
    const html = renderHtml(input)
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;/pre&gt;')
    const urls = [...html.matchAll(/\b(?:href|src|xlink:href)="([^"]*)"/g)].map((m) => m[1])
    expect(urls.length).toBeGreaterThan(0)
    for (const url of urls) expect(url).toMatch(/^data:/)
    expect(html).not.toMatch(/url\(/)
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`)
  })

  it('renders the same bytes for the same input', () => {
    expect(renderHtml(input)).toBe(renderHtml(input))
    expect(renderMarkdown(input)).toBe(renderMarkdown(input))
  })

  it('without a lab or a comparison: every section but the compare summary, saying there was nothing to grade', () => {
    const free: ReportInput = { ...input, lab: undefined, compare: undefined, policy: PATCHED_V2 }
    const html = renderHtml(free)
    for (const id of Object.keys(SECTIONS).filter((s) => s !== 'compare')) expect(html).toContain(`<section id="${id}">`)
    expect(html).not.toContain('<section id="compare">')
    expect(html).toContain('No lab: a free boot, nothing graded.')
    expect(html).toContain('The policy is the starting policy, <code>start.c</code>, unchanged: there is nothing to patch.')
    expect(renderMarkdown(free)).toContain('## Goals\n\nNo lab: a free boot, nothing graded.')
  })
})
