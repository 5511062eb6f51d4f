/*
 * When a lab is finished, the one rule the app's lab pane and the command line's `bootlab watch`
 * share: its goals pass and, for an explore lab (whose starting policy passes its goals: they
 * are facts to find), every question has an answer. A fix lab's answers are optional; they go in
 * the report. And whether a boot's verdict is the one the lab expects at that point (the app's
 * verdict banner, the terminal's grade, the reports).
 */
import type { LabGrade } from './grade'
import type { Lab } from './lab'

/** Whether a lab wants every question answered before it counts as done: an explore lab's starting
 * policy passes its goals (they are facts to find), so its answers are the work; a fix lab's are
 * optional (they go in the report). */
export const answersRequired = (lab: Lab): boolean => lab.kind === 'explore' && lab.questions.length > 0

/** How far the learner is with a lab: done when its goals pass and, where required, every question is answered. */
export interface LabCompletion {
  goalsPassed: boolean
  answered: number
  questions: number
  done: boolean
}

export function labCompletion(lab: Lab, grade: LabGrade | null, answers: string[]): LabCompletion {
  const goalsPassed = grade?.passed ?? false
  const answered = lab.questions.filter((_, i) => (answers[i] ?? '').trim() !== '').length
  const questions = lab.questions.length
  return { goalsPassed, answered, questions, done: goalsPassed && (!answersRequired(lab) || answered === questions) }
}

/** What finishes a lab, in a sentence for the learner (the lab pane's goals, the navigator's explore/fix badge). */
export function doneWhen(lab: Lab): string {
  if (answersRequired(lab)) return 'Explore: the starting policy already passes the goals (they are facts to find); the lab is done when every question has an answer.'
  const answers = lab.questions.length ? ' Answers are optional; they go in the report.' : ''
  return `${lab.kind === 'fix' ? 'Fix: the starting policy fails the goals; the lab is done when your edit makes them pass.' : 'The lab is done when its goals pass.'}${answers}`
}

/**
 * Whether a verdict is the one the lab expects at this stage: once the goals pass, the verdict the
 * manifest's expectedVerdict names (default: a clean boot) is expected, and its note says why.
 */
export function verdictExpectation(lab: Lab, status: string, goalsPassed: boolean): { expected: boolean; text: string; seeGoals?: true } {
  if (!goalsPassed) return { expected: false, text: `not yet what lab ${lab.order} expects:`, seeGoals: true }
  const wanted = lab.expectedVerdict?.status ?? ['booted']
  if (!(wanted as string[]).includes(status)) return { expected: false, text: `the goals pass, but lab ${lab.order} expects ${wanted.join(' or ')}` }
  return { expected: true, text: lab.expectedVerdict ? `expected: ${lab.expectedVerdict.note}` : `what lab ${lab.order} expects` }
}

/**
 * What a report says of the verdict: once the goals pass, whether it is the one the lab expects and
 * why (a passing learner must not read a bare red FAILED when the lab says the boot still crashes);
 * nothing while goals fail, which the goals section shows.
 */
export function reportedExpectation(lab: Lab, status: string, grade: Pick<LabGrade, 'passed'> | null | undefined): { expected: boolean; text: string } | undefined {
  if (!grade?.passed) return undefined
  const { expected, text } = verdictExpectation(lab, status, true)
  return { expected, text }
}
