/*
 * The lab report as one self-contained HTML file: inline CSS, inline SVG, no
 * script, no external URL of any kind, and a Content-Security-Policy that
 * forbids fetching anything, so it opens offline and prints (the desktop app's
 * PDF export prints this page). Every text taken from the input is escaped.
 */
import { type BootResult, formatSize, formatVirt, virt } from '../core'
import { type CompareSummary, consoleHunks, type ConsoleDiffRow } from './compare'
import { describeMapState, formatCounter, goalScore, policyPatch, type ReportInput, reportPtdump, reportTitle, SECTIONS, type SectionId, shownLearner, verdictLabel } from './content'
import { escapeXml as esc } from './escape'
import { kernelImageAlias, memoryMapSvg } from './svg-memory-map'
import { timelineSvg } from './svg-timeline'

// At most this many differing map ranges are listed; the rest are counted.
const MAX_MAP_ROWS = 40

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

const STYLE = `
:root { color-scheme: light; --fail: #b3261e; --pass: #1b6e3a; --warn: #8a5a00; --muted: #5f6368; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f1f1f; background: #ffffff; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #dddddd; }
h3 { font-size: 16px; margin: 20px 0 8px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #e6e6e6; }
th { background: #f5f5f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: var(--pass); font-weight: 600; white-space: nowrap; }
.fail { color: var(--fail); font-weight: 600; white-space: nowrap; }
.differs { background: #fff4cc; }
.verdict { font-size: 17px; padding: 10px 14px; border-radius: 6px; border: 1px solid; }
.verdict.booted { border-color: var(--pass); background: #eaf5ee; }
.verdict.booted-with-warnings { border-color: var(--warn); background: #fff6e0; }
.verdict.failed, .verdict.policy-error { border-color: var(--fail); background: #fdecea; }
.expectation { margin: 6px 0 0; color: var(--warn); }
.expectation.expected { color: var(--pass); }
ol.causes li + li::before { content: "↳ "; color: var(--muted); }
ol.causes { list-style: none; padding-left: 8px; }
.unverified { display: inline-block; font-size: 12px; font-weight: 700; color: var(--warn); border: 1px solid var(--warn); border-radius: 3px; padding: 0 4px; margin-right: 6px; }
pre { font: 12.5px/1.45 ui-monospace, Menlo, Consolas, monospace; background: #f8f8f8; border: 1px solid #e3e3e3; border-radius: 4px; padding: 10px 12px; overflow-x: auto; white-space: pre; }
pre .splat { display: block; background: #fff1d6; }
pre .splat-oops, pre .splat-panic, pre .splat-bug { background: #fde3e0; }
pre .headline { font-weight: 700; }
pre .add { display: block; background: #e6f6ea; }
pre .del { display: block; background: #fde8e6; }
pre .hunk { display: block; color: var(--muted); }
figure { margin: 12px 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; }
blockquote { margin: 6px 0 16px; padding: 6px 12px; border-left: 3px solid #cccccc; white-space: pre-wrap; }
.muted { color: var(--muted); }
.nowrap { white-space: nowrap; }
td ul { margin: 0; padding-left: 18px; }
/* A phone or a narrow pane: the page never scrolls sideways; a wide table or log scrolls in its own box. */
@media (max-width: 700px) {
  main { padding: 16px 12px 48px; overflow-wrap: break-word; }
  h1 { font-size: 22px; }
  dl.meta { grid-template-columns: 1fr; }
  dl.meta dd { margin-bottom: 6px; }
  table { display: block; overflow-x: auto; }
  th, td { padding: 4px 6px; }
}
@media print {
  main { max-width: none; padding: 0; }
  pre { white-space: pre-wrap; word-break: break-all; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
}
`

function section(id: SectionId, ...body: string[]): string {
  return `<section id="${id}">\n<h2>${esc(SECTIONS[id])}</h2>\n${body.join('\n')}\n</section>`
}

function table(head: string[], rows: string[][], rowClass: (i: number) => string = () => ''): string {
  const tr = rows.map((cells, i) => `<tr${rowClass(i) ? ` class="${rowClass(i)}"` : ''}>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`)
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${tr.join('\n')}\n</tbody></table>`
}

function goals(input: ReportInput): string {
  const lab = input.lab
  if (!lab) return section('goals', '<p class="muted">No lab: a free boot, nothing graded.</p>')
  const { earned, total } = goalScore(lab.goals)
  return section(
    'goals',
    `<p>Score: <strong>${earned} / ${total}</strong></p>`,
    table(
      ['Goal', 'Weight', 'Result', 'Why', 'Evidence'],
      lab.goals.map((g) => [
        esc(g.name),
        String(g.weight),
        g.passed ? '<span class="pass">✔ pass</span>' : '<span class="fail">✘ FAIL</span>',
        esc(g.message),
        g.evidence.length ? `<ul>${g.evidence.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : '—',
      ]),
    ),
  )
}

function verdict(r: BootResult, lab: ReportInput['lab']): string {
  const expectation = lab?.expectation
  return section(
    'verdict',
    `<p class="verdict ${r.verdict.status}"><strong>${esc(verdictLabel(r.verdict.status))}</strong>: ${esc(r.verdict.headline)}</p>`,
    expectation ? `<p class="expectation${expectation.expected ? ' expected' : ''}">${esc(expectation.text)}</p>` : '',
    r.verdict.causes.length ? `<ol class="causes">${r.verdict.causes.map((c) => `<li>${esc(c)}</li>`).join('')}</ol>` : '',
  )
}

function assumptions(r: BootResult): string {
  return section(
    'assumptions',
    r.assumptions.length
      ? `<ul>${r.assumptions.map((a) => `<li><span class="unverified">UNVERIFIED</span>${esc(a)}</li>`).join('')}</ul>`
      : '<p class="muted">The model made no unverified assumption in this boot.</p>',
  )
}

function patchLines(patch: string): string {
  return patch
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const kind = /^(\+\+\+|---|diff --git)/.test(line) ? '' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : ''
      return kind ? `<span class="${kind}">${esc(line)}</span>` : `${esc(line)}\n`
    })
    .join('')
}

/** `text` with each lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
const wellFormed = (text: string) => text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')

function policy(input: ReportInput): string {
  const patch = policyPatch(input)
  const name = `${input.policyFile}.patch`
  // A data: link saves the patch without any request; the CSP allows no other source.
  // encodeURIComponent throws on a lone surrogate (a policy can hold one): it is written as U+FFFD, as the Markdown report does.
  const download = `<a download="${esc(name)}" href="data:text/x-diff;charset=utf-8,${esc(encodeURIComponent(wellFormed(patch)))}">${esc(name)}</a>`
  return [
    // The HTML parser drops a newline right after <pre>: one is written there, so a policy starting with a blank line keeps it.
    section('policy', `<p><code>${esc(input.policyFile)}</code></p>`, `<pre class="policy">\n${esc(input.policy)}</pre>`),
    section(
      'patch',
      patch
        ? `<p>${download}, against <code>${esc(input.startPolicyName)}</code> (<code>git apply</code> it to a copy of that file named <code>${esc(input.policyFile)}</code>).</p><pre class="patch">${patchLines(patch)}</pre>`
        : `<p class="muted">The policy is the starting policy, <code>${esc(input.startPolicyName)}</code>, unchanged: there is nothing to patch.</p>`,
    ),
  ].join('\n')
}

// The line of a splat that says what happened (the rest is registers and the call trace).
const SPLAT_HEADLINE = /^(WARNING:|Unable to handle|Internal error|Kernel panic|kernel BUG)/

function consoleSection(r: BootResult): string {
  const lines = r.console.map((l) => {
    if (l.splat === undefined) return `${esc(l.line)}\n`
    const kind = r.splats[l.splat]?.kind ?? 'warn'
    return `<span class="splat splat-${kind}${SPLAT_HEADLINE.test(l.text) ? ' headline' : ''}">${esc(l.line)}</span>`
  })
  const splats = r.splats.map((s) => {
    const site = `${s.site.fn} (${s.site.file}${s.site.line ? `:${s.site.line}` : ''}, ${s.site.origin === 'policy' ? 'your policy' : 'kernel'})`
    return `<li><strong>${esc(s.kind.toUpperCase())}</strong> at ${esc(site)}${s.message ? `: ${esc(s.message)}` : ''} — console lines ${s.lines[0] + 1}–${s.lines[1] + 1}</li>`
  })
  return section('console', `<pre class="console">${lines.join('')}</pre>`, splats.length ? `<p>Splats:</p><ul>${splats.join('')}</ul>` : '<p class="muted">No WARN, Oops or panic.</p>')
}

function pictures(input: ReportInput): string {
  const r = input.result
  const image = kernelImageAlias(r)
  const last = r.snapshots.length - 1
  const maps = r.snapshots.map(
    (s, i) =>
      `<figure>${memoryMapSvg(s, { kernelImage: image, highlight: i === last ? input.compare?.mapDifferences : undefined })}<figcaption>${esc(
        `${s.label}: after step ${s.step}${r.steps[s.step] ? ` (${r.steps[s.step].fn}())` : ''}`,
      )}</figcaption></figure>`,
  )
  return [section('timeline', `<figure>${timelineSvg(r)}</figure>`), section('memory-map', ...maps)].join('\n')
}

function ptdump(input: ReportInput): string {
  const dump = reportPtdump(input)
  const diff = dump.diff
    ? [
        '<h3>ptdump diff <span class="muted">(− left only, + right only)</span></h3>',
        `<pre class="console-diff ptdump-diff">${dump.diff.map((d) => (d.side === 'both' ? `  ${esc(d.text)}\n` : `<span class="${d.side === 'left' ? 'del' : 'add'}">${d.side === 'left' ? '- ' : '+ '}${esc(d.text)}</span>`)).join('')}</pre>`,
      ]
    : []
  return section(
    'ptdump',
    `<p>The linear map <strong>${esc(dump.label)}</strong> as the kernel's <code>/sys/kernel/debug/kernel_page_tables</code> prints it (arch/arm64/mm/ptdump.c); <code>NS</code> is the model's column for the realm's shared bit.</p>`,
    `<pre class="ptdump">${esc(dump.lines.join('\n'))}</pre>`,
    ...diff,
  )
}

function callers(r: BootResult): string {
  if (!r.calls.length) return section('callers', '<p class="muted">No caller shared memory in this boot.</p>')
  return section(
    'callers',
    table(
      ['Caller', 'Function', 'Step', 'Window', 'Size', 'Outcome'],
      r.calls.map((c) => [
        esc(c.caller) + (c.assumption ? ' <span class="unverified">UNVERIFIED</span>' : ''),
        `<code>${esc(c.fn)}()</code>`,
        `<code>${esc(r.steps[c.step]?.fn ?? String(c.step))}()</code>`,
        esc(c.window),
        `<span class="nowrap">${esc(formatSize(c.size))}</span>`,
        `<span class="nowrap ${c.outcome === 'ok' ? 'pass' : c.outcome === 'skipped' ? 'muted' : 'fail'}">${esc(c.outcome)}${c.ret ? ` (${esc(c.errno ?? String(c.ret))})` : ''}</span>`,
      ]),
    ),
  )
}

function consoleDiff(hunks: ConsoleDiffRow[][]): string {
  const row = (d: ConsoleDiffRow) => (d.side === 'both' ? `  ${esc(d.text)}\n` : `<span class="${d.side === 'left' ? 'del' : 'add'}">${d.side === 'left' ? '- ' : '+ '}${esc(d.text)}</span>`)
  return `<pre class="console-diff">${hunks.map((h) => h.map(row).join('')).join('<span class="hunk">@@</span>')}</pre>`
}

function compare(c: CompareSummary): string {
  const differing = c.steps.filter((s) => s.differs)
  const calls = (side: CompareSummary['steps'][number]['left']) =>
    side ? side.calls.map((k) => esc(`${k.caller}: ${k.outcome}${k.errno ? ` (${k.errno})` : ''}`)).join('<br>') || '<span class="muted">no calls</span>' : '<span class="muted">not reached</span>'
  const hunks = consoleHunks(c.console)
  const mapRows = c.mapDifferences.slice(0, MAX_MAP_ROWS)
  const sideLine = (label: string, s: CompareSummary['left']) =>
    `<li>${label}: <code>${esc(s.policyName)}</code> on ${esc(s.scenarioName)} — <strong>${esc(verdictLabel(s.verdict.status))}</strong>: ${esc(s.verdict.headline)}</li>`
  return section(
    'compare',
    `<ul>${sideLine('Left', c.left)}${sideLine('Right', c.right)}</ul>`,
    `<p><strong>First divergence:</strong> ${c.divergence ? esc(c.divergence.explanation) : 'none — the two boots are identical.'}</p>`,
    '<h3>Counters</h3>',
    table(['Counter', 'Left', 'Right'], c.counters.map((k) => [esc(k.name), formatCounter(k.left), formatCounter(k.right)]), (i) => (c.counters[i].differs ? 'differs' : '')),
    '<h3>Steps whose callers differ</h3>',
    differing.length ? table(['Step', 'Left', 'Right'], differing.map((s) => [`<code>${esc(s.fn)}()</code>`, calls(s.left), calls(s.right)])) : '<p class="muted">Every step ran on both sides with the same caller outcomes.</p>',
    '<h3>Console diff <span class="muted">(timestamps ignored; − left only, + right only)</span></h3>',
    hunks.length ? consoleDiff(hunks) : '<p class="muted">The consoles are the same line for line.</p>',
    `<h3>Memory map differences <span class="muted">(${esc(c.mapSnapshots.left)} vs ${esc(c.mapSnapshots.right)}; highlighted in the last map above)</span></h3>`,
    mapRows.length
      ? table(
          ['VA', 'Size', 'Left', 'Right'],
          mapRows.map((d) => [`<code>${formatVirt(virt(d.va))}</code>`, esc(formatSize(d.size)), esc(describeMapState(d.left)), esc(describeMapState(d.right))]),
        ) + (c.mapDifferences.length > MAX_MAP_ROWS ? `<p class="muted">…and ${c.mapDifferences.length - MAX_MAP_ROWS} more ranges.</p>` : '')
      : '<p class="muted">The final linear maps are the same.</p>',
  )
}

/** A lab's line of text, escaped, with its `code` spans as <code>. */
function withCode(s: string): string {
  return s
    .split(/(`[^`]+`)/)
    .map((part, i) => (i % 2 ? `<code>${esc(part.slice(1, -1))}</code>` : esc(part)))
    .join('')
}

function answers(input: ReportInput): string {
  const questions = input.lab?.questions ?? []
  if (!questions.length) return section('answers', '<p class="muted">No questions.</p>')
  return section(
    'answers',
    questions.map((q, i) => `<h3>${i + 1}. ${withCode(q.question)}</h3><blockquote>${q.answer.trim() ? esc(q.answer) : '<em class="muted">(no answer)</em>'}</blockquote>`).join('\n'),
  )
}

export function renderHtml(input: ReportInput): string {
  const r = input.result
  const title = reportTitle(input)
  const meta: [string, string][] = [
    ['Learner', shownLearner(input)],
    ['Date', input.date],
    ...(input.lab ? [['Lab', input.lab.id] as [string, string]] : []),
    ['Scenario', input.scenarioName],
    ['Policy', input.policyFile],
    ['Kernel', `${r.kernelVersion} (${r.version})`],
  ]
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<header id="report-header"><h1>${esc(title)}</h1><dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></header>`,
    goals(input),
    section('hints', input.lab ? `<p>Hints used: <strong>${input.lab.hintsUsed}</strong></p>` : '<p class="muted">No lab: no hints.</p>'),
    answers(input),
    verdict(r, input.lab),
    assumptions(r),
    policy(input),
    consoleSection(r),
    pictures(input),
    ptdump(input),
    callers(r),
    ...(input.compare ? [compare(input.compare)] : []),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
