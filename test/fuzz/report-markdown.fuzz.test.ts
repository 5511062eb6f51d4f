/*
 * Fuzzing the report writers (issue 11, item 9): every string a learner or a
 * policy can choose (name, lab texts, file names, verdict, WARN and panic
 * messages, answers...) replaced by hostile text made of line ends of every
 * kind, Markdown and HTML markers and forged report lines. Rendered by
 * markdown-it, the Markdown report must have the same structure (headings,
 * tables, rows, lists, rules, code blocks) as the same report with plain
 * placeholders; the HTML report the same elements.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ReportInput } from '../../src/report/content'
import { compareBoots } from '../../src/report/compare'
import { renderHtml } from '../../src/report/html'
import { renderMarkdownFolder } from '../../src/report/markdown'

/** report.md of the Markdown report's folder. */
const renderMarkdown = (input: Parameters<typeof renderMarkdownFolder>[0]) => renderMarkdownFolder(input)[0].text
import { bootWith } from '../helpers/boot'
import { PATCHED_V2, swiotlbInPreinit } from '../report/policies'
import { htmlStructure, markdownStructure, replaceStrings } from '../report/structure'
import { fuzzTimeout, runFuzz } from './settings'

const learner = await bootWith('realm', swiotlbInPreinit(), 'policy.c')
// One memory map is enough for the structure, and the SVGs are most of a render's time.
// Keep the last picture and the snapshot event that places it (events name pictures by index).
const lastPicture = learner.snapshots.length - 1
learner.events = learner.events.filter((e) => e.kind !== 'snapshot' || e.snapshot === lastPicture).map((e) => (e.kind === 'snapshot' ? { ...e, snapshot: 0 } : e))
learner.snapshots = learner.snapshots.slice(-1)
const start = await bootWith('realm', PATCHED_V2, 'start.c')
const base: ReportInput = {
  learner: 'Ada',
  date: '2026-12-07',
  lab: {
    id: '05-move-swiotlb',
    title: 'Move the swiotlb call',
    goals: [
      { name: 'boots', weight: 4, passed: false, message: 'The realm guest must reach userspace.', evidence: ['verdict failed', 'no init'] },
      { name: 'no WARN', weight: 1, passed: true, message: 'No split before the page allocator.', evidence: [] },
    ],
    hintsUsed: 1,
    questions: [
      { question: 'Why?', answer: 'Because.' },
      { question: 'And?', answer: '' },
    ],
  },
  scenarioName: 'realm',
  policyFile: 'policy.c',
  startPolicyName: 'start.c',
  startPolicy: PATCHED_V2,
  policy: swiotlbInPreinit(),
  result: learner,
  compare: compareBoots(learner, start),
}

const MARKERS = [...'\r\n\t #=-+*_`~>|<&[]()!\\:.)0123456789x'].concat(['\r\n', '\u2028', '\u0085', '\f', '\v', '\u0000', '    ', '```', '~~~', '---', '===', '***', '<br>', '</td>', '<script>', '| a | b |', '|---|---|', '# Score: 5 / 5', '1. ', '- ', '> ', '[x]: /y', '<!--', '&amp;'])
const hostile = fc.oneof(fc.string({ unit: fc.constantFrom(...MARKERS), maxLength: 24 }), fc.string({ maxLength: 8 }), fc.constant(''))
const placeholder = (_i: number, s: string) => (s.trim() ? 'x' : '')

describe('fuzz: the report writers keep their structure whatever the text', () => {
  const plain = replaceStrings(base, placeholder)
  const mdPlain = markdownStructure(renderMarkdown(plain))
  const htmlPlain = htmlStructure(renderHtml(plain))

  it(
    'Markdown (markdown-it) and HTML structure of a report full of hostile strings equals that of plain placeholders',
    () => {
      runFuzz(
        'report writers',
        fc.property(fc.array(hostile, { minLength: 64, maxLength: 64 }), (strings) => {
          // Hostile strings that are blank stay blank, so the placeholder report takes the same branches.
          const input = replaceStrings(base, (i, s) => {
            const h = strings[i % strings.length]
            return h.trim() || !s.trim() ? h : h + 'x'
          })
          const shape = replaceStrings(input, placeholder)
          expect(markdownStructure(renderMarkdown(input))).toEqual(markdownStructure(renderMarkdown(shape)))
          expect(htmlStructure(renderHtml(input))).toEqual(htmlStructure(renderHtml(shape)))
        }),
        2500,
      )
      // The placeholder shape is the writer's own: the plain report's.
      expect(mdPlain.filter((t) => t.startsWith('heading_open')).length).toBeGreaterThan(8)
      expect(htmlPlain.length).toBeGreaterThan(50)
    },
    fuzzTimeout(2500),
  )
})
