/*
 * `bootlab watch` keeps watching when the course folder misbehaves: a progress.json that cannot
 * be saved is said and the next save is graded all the same; a lab folder that is missing (deleted,
 * or a course made before the lab existed) is said, and watched for until `bootlab init` puts it back.
 * `bootlab hint` shows the hint even when its count cannot be saved.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { hint, init, type ProgressStore, showLab, watchCourse } from '../../src/cli/course'
import { PLAIN } from '../../src/cli/style'
import { UserStore } from '../../src/node/user-store'

const ROOT = join(import.meta.dirname, '../..')
const LAB = '05-move-swiotlb'
const solution = readFileSync(join(ROOT, 'labs', LAB, 'solution.c'), 'utf8')

let course: string
let home: string
const lines: string[] = []
const out = (s: string) => void lines.push(s)
const text = () => lines.join('\n')

/** A store whose saves fail as on a read-only disk. */
const failingSaves = (c: string): ProgressStore => {
  const real = new UserStore(c)
  return { loadProgress: () => real.loadProgress(), saveProgress: async () => Promise.reject(new Error('EROFS: read-only file system')) }
}

beforeEach(async () => {
  home = process.cwd()
  course = join(mkdtempSync(join(tmpdir(), 'bootlab-watch-')), 'course')
  expect(await init([course], () => {}, () => {})).toBe(0)
  process.chdir(course)
  lines.length = 0
})

afterEach(() => {
  process.chdir(home)
})

describe('bootlab watch on a course folder that misbehaves', () => {
  it('a progress.json that cannot be saved is said, and the next save is still graded', async () => {
    const abort = new AbortController()
    const watching = watchCourse([LAB], out, out, PLAIN, abort.signal, failingSaves)
    await vi.waitFor(() => expect(text()).toMatch(/bootlab watch: progress not saved \(EROFS: read-only file system\)/), { timeout: 60_000, interval: 50 })
    writeFileSync(join(course, LAB, 'start.c'), solution)
    await vi.waitFor(() => expect(text()).toContain('ALL GOALS PASSED'), { timeout: 60_000, interval: 50 })
    abort.abort()
    expect(await watching).toBe(0)
  }, 120_000)

  it('a missing lab folder is said, then watched for: bootlab init puts it back and its next save is graded', async () => {
    rmSync(join(course, LAB), { recursive: true })
    const abort = new AbortController()
    const watching = watchCourse([LAB], out, out, PLAIN, abort.signal)
    await vi.waitFor(() => expect(text()).toContain(`${LAB}/ is missing: bootlab init`), { timeout: 30_000, interval: 50 })
    expect(await init([course], () => {}, () => {})).toBe(0)
    await vi.waitFor(() => expect(text()).toMatch(new RegExp(`== ${LAB}: .*\\(saved\\)`)), { timeout: 60_000, interval: 50 })
    const graded = text().split(`== ${LAB}`).length
    writeFileSync(join(course, LAB, 'start.c'), solution)
    await vi.waitFor(() => expect(text()).toContain('ALL GOALS PASSED'), { timeout: 60_000, interval: 50 })
    expect(text().split(`== ${LAB}`).length).toBeGreaterThan(graded)
    abort.abort()
    expect(await watching).toBe(0)
  }, 120_000)

  it('a lab named as the shell completes its folder (05-move-swiotlb/) is that lab, for watch, lab and hint', async () => {
    const abort = new AbortController()
    const watching = watchCourse([`${LAB}/`], out, out, PLAIN, abort.signal)
    await vi.waitFor(() => expect(text()).toContain(`== ${LAB}: `), { timeout: 60_000, interval: 50 })
    abort.abort()
    expect(await watching).toBe(0)
    lines.length = 0
    expect(showLab([`${LAB}/`], out, out, PLAIN, 80)).toBe(0)
    expect(text()).toMatch(/^Lab 5/)
    lines.length = 0
    expect(await hint([`${LAB}/`], out, out, PLAIN)).toBe(0)
    expect(text()).toMatch(new RegExp(`^Hint 1 of \\d+ for ${LAB}:`, 'm'))
  }, 120_000)

  it('bootlab hint shows the hint when its count cannot be saved, and says so', async () => {
    process.chdir(join(course, LAB))
    const err: string[] = []
    expect(await hint([], out, (s) => void err.push(s), PLAIN, failingSaves)).toBe(0)
    expect(text()).toMatch(/^Hint 1 of \d+ for 05-move-swiotlb:/m)
    expect(err.join('\n')).toContain('the hint count was not saved (EROFS')
  })
})

describe('bootlab init on a course folder that has progress', () => {
  it('names the next lab not passed, as bootlab progress does, not lab 1 again', async () => {
    const store = new UserStore(course)
    await store.saveProgress({ labs: { '01-linear-map-tour': 'passed', '02-bbml2-repaint': 'passed' } })
    const said: string[] = []
    expect(await init([course], (s) => void said.push(s), () => {})).toBe(0)
    expect(said.join('\n')).toContain('then edit 03-realm-bug/start.c')
    expect(said.join('\n')).not.toContain('01-linear-map-tour/start.c')
    // A new course starts at lab 1.
    const fresh: string[] = []
    expect(await init([join(mkdtempSync(join(tmpdir(), 'bootlab-init-')), 'c')], (s) => void fresh.push(s), () => {})).toBe(0)
    expect(fresh.join('\n')).toContain('then edit 01-linear-map-tour/start.c')
  })
})
