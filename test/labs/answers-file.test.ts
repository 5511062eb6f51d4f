/*
 * A course folder's answers.md: the questions as numbered headings (what `bootlab init` writes),
 * and the answers read back from under them, whatever the line ends, with nothing taken from
 * the file's other headings or from questions the file leaves out.
 */
import { describe, expect, it } from 'vitest'
import { answersFromFile, answersTemplate, labCompletion } from '../../src/labs'
import { loadBundled } from './lab-fixtures'

const lab = loadBundled('01-linear-map-tour')

describe('answers.md', () => {
  it('is written with every question as a numbered heading and read back as unanswered', () => {
    const template = answersTemplate(lab)
    expect(template.match(/^## .*$/gm)).toEqual(lab.questions.map((q, i) => `## ${i + 1}. ${q.prompt.replace(/\s+/g, ' ').trim()}`))
    expect(answersFromFile(template, lab)).toEqual(lab.questions.map(() => ''))
    expect(labCompletion(lab, { passed: true } as never, answersFromFile(template, lab)).done).toBe(false)
  })

  it('gives the text under each heading, CRLF or not, and stops at the next heading of that level', () => {
    const template = answersTemplate(lab)
    const filled = template.replace(/^(## (\d+)\. .*)$/gm, '$1\n\nAnswer $2, line one.\n### a sub-heading stays\nline two.\n')
    const answers = answersFromFile(filled.replace(/\n/g, '\r\n'), lab)
    expect(answers).toEqual(lab.questions.map((_, i) => `Answer ${i + 1}, line one.\n### a sub-heading stays\nline two.`))
    expect(labCompletion(lab, { passed: true } as never, answers).done).toBe(true)
    // A heading the file does not have, a number past the questions and a new top-level heading give nothing.
    expect(answersFromFile('## 2. only the second\n\nyes\n\n## 99. no such question\nno\n# Notes\nnot an answer\n', lab)).toEqual(lab.questions.map((_, i) => (i === 1 ? 'yes' : '')))
  })
})
