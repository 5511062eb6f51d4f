/*
 * A course folder (made by `bootlab init`): one subfolder per lab and the progress record the
 * app shares. Its own module so the lab report (report-option.ts) can find the course a policy
 * file is in without loading the course commands.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
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
