/*
 * A course folder (made by `bootlab init`): one subfolder per lab (its start.c, and answers.md
 * for the lab's questions) and the progress record the app shares. Its own module so the lab
 * report (report-option.ts) can find the course a policy file is in without loading the course
 * commands.
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { ANSWERS_FILE, answersFromFile, type Lab } from '../labs'
import { UserStore } from '../node/user-store'

export const PROGRESS = 'progress.json'

/** The course folder holding `from`: the nearest folder upwards with a progress.json. */
export function findCourse(from: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, PROGRESS))) return dir
    if (dirname(dir) === dir) return null
  }
}

/** The hints of `labId` revealed in the course that holds `file` (0 outside a course). */
export async function hintsRevealed(file: string, labId: string): Promise<number> {
  const course = findCourse(dirname(resolve(file)))
  return course ? ((await new UserStore(course).loadProgress()).hints?.[labId] ?? 0) : 0
}

/** The learner's answers to a lab's questions, from its answers.md in the course folder ('' each when there is none). */
export function readAnswers(course: string, lab: Lab): string[] {
  try {
    return answersFromFile(readFileSync(join(course, lab.id, ANSWERS_FILE), 'utf8'), lab)
  } catch {
    return lab.questions.map(() => '')
  }
}

/** The answers for a report on `file`: from the course's answers.md when `file` is in the course's folder of `lab`, else none. */
export function answersFor(file: string, lab: Lab): string[] {
  const folder = dirname(resolve(file))
  const course = findCourse(folder)
  return course && basename(folder) === lab.id && dirname(folder) === course ? readAnswers(course, lab) : lab.questions.map(() => '')
}
