/*
 * Markdown report injection (issue 11, item 9): a lone carriage return (or
 * CRLF) in the learner's name or in a policy's panic()/WARN() text is a line
 * end to CommonMark and must not start a block: no forged "Score" heading, no
 * extra table row, whatever the line ends.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { ReportInput } from '../../src/report/content'
import { renderHtml } from '../../src/report/html'
import { renderMarkdownFolder } from '../../src/report/markdown'

/** report.md of the Markdown report's folder. */
const renderMarkdown = (input: Parameters<typeof renderMarkdownFolder>[0]) => renderMarkdownFolder(input)[0].text
import { bootWith } from '../helpers/boot'
import { swiotlbInPreinit } from './policies'
import { htmlStructure, markdownHeadings, markdownStructure, replaceStrings } from './structure'

let input: ReportInput
beforeAll(async () => {
  const result = await bootWith('realm', swiotlbInPreinit(), 'policy.c')
  input = {
    learner: 'Ada',
    date: '2026-12-07',
    lab: {
      id: '05-move-swiotlb',
      title: 'Move the swiotlb call',
      goals: [{ name: 'boots', weight: 5, passed: false, message: 'The realm guest must reach userspace.', evidence: ['verdict failed'] }],
      hintsUsed: 0,
      questions: [{ question: 'Why?', answer: 'Because.' }],
    },
    scenarioName: 'realm',
    policyFile: 'policy.c',
    startPolicyName: 'start.c',
    startPolicy: swiotlbInPreinit(),
    policy: swiotlbInPreinit(),
    result,
  }
})

const FORGERIES = ['\r# Score: 5 / 5', '\r\n# Score: 5 / 5', '\rScore: 5 / 5\r===', '\r\r# Score: 5 / 5\r', '\n\n## Goals\n', '\r| boots | 5 | ✅ pass | | |', '\r\r    indented\r', '\r1. # Score']

describe('a line end of any kind in learner or policy text starts no Markdown block', () => {
  it.each(FORGERIES)('%j in the learner name, a goal, a cause and a WARN message', (forgery) => {
    const plain = renderMarkdown(input)
    const forged = renderMarkdown(replaceStrings(input, (_i, s) => s + forgery))
    expect(markdownHeadings(forged).filter((h) => /^h\d \W*Score/.test(h))).toEqual([])
    expect(markdownStructure(forged)).toEqual(markdownStructure(plain))
    expect(htmlStructure(renderHtml(replaceStrings(input, (_i, s) => s + forgery)))).toEqual(htmlStructure(renderHtml(input)))
  })
})
