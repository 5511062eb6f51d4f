/*
 * A lab's answers as a file of a course folder (`<lab>/answers.md`): what `bootlab init` writes
 * (each question a numbered heading with room below it) and what `bootlab watch` and a `--lab`
 * report read back (the text under each heading). The app keeps the same answers in its own
 * storage; this is the command line's place for them.
 */
import type { Lab } from './lab'

export const ANSWERS_FILE = 'answers.md'

/** A question's prompt on one line, as its heading. */
const oneLine = (prompt: string) => prompt.replace(/\s+/g, ' ').trim()

/** The file `bootlab init` writes for a lab with questions: every question, nothing answered. */
export function answersTemplate(lab: Lab): string {
  const questions = lab.questions.flatMap((q, i) => [`## ${i + 1}. ${oneLine(q.prompt)}`, '', ''])
  return [
    `# Lab ${lab.order}: ${oneLine(lab.title)} — your answers`,
    '',
    'Write each answer under its question (keep the numbered headings). `bootlab watch` counts a',
    'question answered once text follows it, and a report made with `--lab` carries the answers.',
    '',
    ...questions,
  ].join('\n')
}

const HEADING = /^##\s+(\d+)\.(?:\s|$)/

/**
 * The answers in a file of that shape, by question: the text under `## <n>.` up to the next
 * heading of that level, trimmed; '' for a question the file has no heading for. Line ends of
 * any kind are read alike.
 */
export function answersFromFile(text: string, lab: Lab): string[] {
  const answers: string[][] = lab.questions.map(() => [])
  let current: string[] | null = null
  for (const line of text.split(/\r\n|\r|\n/)) {
    const m = HEADING.exec(line)
    if (m) current = answers[Number(m[1]) - 1] ?? null
    else if (/^#{1,2}\s/.test(line)) current = null
    else current?.push(line)
  }
  return answers.map((lines) => lines.join('\n').trim())
}
