/*
 * A lab's questions live in its manifest (the app puts them in the report) and
 * are read in README.md's `## Questions` section; this keeps the two the same.
 */

const QUESTIONS_HEADING = /^#{2,3}[ \t]+Questions[ \t]*$/im
const ANY_HEADING = /^#{1,6}[ \t]/m
const ITEM = /^\s*\d+[.)][ \t]+(.*)$/

const normalize = (s: string) => s.replace(/\s+/g, ' ').trim()

/** The numbered items of README's Questions section, whitespace-normalized; null without the section. */
export function readmeQuestions(readme: string): string[] | null {
  const heading = QUESTIONS_HEADING.exec(readme)
  if (!heading) return null
  const rest = readme.slice(heading.index + heading[0].length)
  const next = ANY_HEADING.exec(rest)
  const section = next ? rest.slice(0, next.index) : rest
  const items: string[] = []
  for (const line of section.split(/\r?\n/)) {
    const item = ITEM.exec(line)
    if (item) items.push(item[1])
    else if (line.trim() && items.length) items[items.length - 1] += ` ${line}`
  }
  return items.map(normalize)
}

/** What differs between README's questions and the manifest's prompts. */
export function readmeQuestionProblems(readme: string, prompts: string[]): string[] {
  const listed = readmeQuestions(readme)
  if (listed === null) return prompts.length ? [`has no '## Questions' section; list the ${prompts.length} questions of the manifest there`] : []
  if (listed.length !== prompts.length) return [`'## Questions' lists ${listed.length} question(s), the manifest has ${prompts.length}`]
  return prompts.flatMap((p, i) => (normalize(p) === listed[i] ? [] : [`question ${i + 1} differs from the manifest's questions.${i}.prompt`]))
}
