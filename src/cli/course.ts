/*
 * The learner's loop on the command line (rustlings is the model):
 *
 *   bootlab init [dir]     a course folder: one subfolder per bundled lab with
 *                          its README.md, start.c (the learner's file) and
 *                          answers.md (its questions), and progress.json
 *   bootlab watch [lab]    grade the current lab's start.c each time it (or
 *                          answers.md) is saved: goals, the first failing
 *                          goal's evidence, the verdict; on to the next lab
 *                          when it is finished (goals, and an explore lab's
 *                          answers)
 *   bootlab hint [lab] [n] the lab's hints, one at a time
 *   bootlab lab <id>       the lab's instructions, rendered for the terminal
 *   bootlab progress       N/10 passed, and each lab's status
 *
 * Progress is the app's own progress.json (src/node/user-store.ts UserStore: same
 * format, same sanitising, written atomically by src/node/atomic-write.ts), so
 * the app opening the course folder shares it. The course folder is found
 * from the working directory upwards (the folder holding progress.json).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, watch, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { gradeSource, loadLabArg, printDiagnostics } from './bootlab'
import type { Style } from './style'
import { terminalSafe } from './terminal-text'
import { ANSWERS_FILE, answersTemplate, groupEvidence, type Lab, labCompletion, type LabGrade } from '../labs'
import { UserStore } from '../node/user-store'
import type { LabStatus, Progress } from '../shared/bootlab-api'
import { readLabFolder } from '../node/lab-folder'
import { labDir } from '../node/resources'
import { listBundledLabs } from './labs'
import { renderMarkdown } from './terminal-markdown'
import { findCourse, PROGRESS, readAnswers } from './course-folder'

type Out = (s: string) => void

export const DEFAULT_COURSE_DIR = 'bootlab-course'
const LEARNER_FILE = 'start.c'

/**
 * A lab named as the shell completes a course's folder (`03-realm-bug/`): the lab's id. Anything
 * else (a path to a lab folder of one's own) is left as given.
 */
function labName(arg: string): string {
  const bare = arg.replace(/\/+$/, '')
  return bare !== arg && courseLabIds().includes(bare) ? bare : arg
}

/** What the course commands need of the progress store (a test substitutes one whose saves fail). */
export type ProgressStore = Pick<UserStore, 'loadProgress' | 'saveProgress'>

/** The bundled labs that load, in course order. */
function courseLabIds(): string[] {
  return listBundledLabs()
    .filter((l) => !l.title.startsWith('(invalid'))
    .map((l) => l.id)
}

function noCourse(err: Out): number {
  err(`bootlab: no course folder here (no ${PROGRESS} in this folder or above it); make one with: bootlab init [dir]`)
  return 3
}

export async function init(argv: string[], out: Out, err: Out): Promise<number> {
  if (argv.length > 1 || argv[0]?.startsWith('-')) {
    err('usage: bootlab init [dir]   (default dir: bootlab-course)')
    return 3
  }
  const dir = resolve(argv[0] ?? DEFAULT_COURSE_DIR)
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    err(`bootlab init: ${terminalSafe(dir)} is not a folder`)
    return 3
  }
  const isCourse = existsSync(join(dir, PROGRESS))
  if (existsSync(dir) && !isCourse && readdirSync(dir).length > 0) {
    err(`bootlab init: ${terminalSafe(dir)} is not empty and not a course folder; give an empty or new folder`)
    return 3
  }
  const ids = courseLabIds()
  const added: string[] = []
  for (const id of ids) {
    const folder = join(dir, id)
    if (!existsSync(join(folder, LEARNER_FILE))) added.push(id)
    // The lab's files as the learner needs them (README, start.c, extra machines), not its solution or manifest.
    // The learner's work is never overwritten: init on an existing course only adds what is missing.
    for (const file of readLabFolder(labDir(id)).folder?.files ?? []) {
      if (file.path === 'solution.c' || /^lab\.(ya?ml|json)$/.test(file.path)) continue
      const target = join(folder, file.path)
      if (existsSync(target)) continue
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, file.text)
    }
    // Where the learner writes the answers (watch and --lab reports read them back).
    const lab = loadLabArg(id)
    if (lab.questions.length && !existsSync(join(folder, ANSWERS_FILE))) writeFileSync(join(folder, ANSWERS_FILE), answersTemplate(lab))
  }
  const store = new UserStore(dir)
  if (!isCourse) await store.saveProgress({ labs: {} })
  const where = relative(process.cwd(), dir) || '.'
  out(`${isCourse ? 'Updated' : 'Made'} the course folder ${terminalSafe(where)}: ${ids.length} labs${isCourse ? ` (${added.length} added)` : ''}, progress in ${PROGRESS}.`)
  out('')
  // An existing course goes on where its progress says (as bootlab progress and watch do), not at lab 1.
  const saved = isCourse ? await store.loadProgress() : { labs: {} }
  const next = ids.find((id) => saved.labs[id] !== 'passed')
  if (!next) {
    out('Every lab is passed. Well done.')
    return 0
  }
  out(`Next: cd ${terminalSafe(where)} && bootlab watch`)
  out(`      then edit ${next}/${LEARNER_FILE}; \`bootlab lab ${next}\` shows the instructions, \`bootlab hint\` a hint.`)
  return 0
}

/** The lab a command is about: named, else the folder the learner is in, else the first lab not passed. */
function currentLab(course: string, progress: Progress, named: string | undefined, ids: string[]): string | undefined {
  if (named) return named
  const here = relative(course, process.cwd()).split(/[\\/]/)[0]
  if (ids.includes(here)) return here
  return ids.find((id) => progress.labs[id] !== 'passed')
}

const STATUS_WORD: Record<LabStatus, string> = { passed: 'passed', 'in-progress': 'in progress', 'not-started': 'not started' }

export async function progress(argv: string[], out: Out, err: Out, style: Style): Promise<number> {
  const course = findCourse(process.cwd())
  if (!course) return noCourse(err)
  if (argv.length) {
    err('usage: bootlab progress')
    return 3
  }
  const saved = await new UserStore(course).loadProgress()
  if (saved.notice) err(saved.notice)
  const labs = listBundledLabs().filter((l) => !l.title.startsWith('(invalid'))
  const passed = labs.filter((l) => saved.labs[l.id] === 'passed').length
  const width = Math.max(...labs.map((l) => l.id.length))
  for (const l of labs) {
    const status = saved.labs[l.id] ?? 'not-started'
    const word = STATUS_WORD[status].padEnd(11)
    out(`${status === 'passed' ? style.green(word) : status === 'in-progress' ? style.yellow(word) : style.dim(word)}  ${l.id.padEnd(width)}  ${terminalSafe(l.title)}`)
  }
  out('')
  out(style.bold(`${passed}/${labs.length} labs passed`))
  const next = labs.find((l) => saved.labs[l.id] !== 'passed')
  if (next) out(`next: ${next.id} (bootlab watch)`)
  return 0
}

export function showLab(argv: string[], out: Out, err: Out, style: Style, width: number): number {
  if (argv.length !== 1) {
    err('usage: bootlab lab <id>   (the ids: bootlab labs)')
    return 3
  }
  let lab: Lab
  try {
    lab = loadLabArg(labName(argv[0]))
  } catch (e) {
    err(`bootlab: ${(e as Error).message.split('\n').map(terminalSafe).join('\n')}`)
    return 3
  }
  out(renderMarkdown(lab.readme, style, width))
  return 0
}

export async function hint(argv: string[], out: Out, err: Out, style: Style, openStore: (course: string) => ProgressStore = (c) => new UserStore(c)): Promise<number> {
  const course = findCourse(process.cwd())
  const ids = courseLabIds()
  const [first, second] = argv
  const namedLab = first !== undefined && !/^\d+$/.test(first) ? labName(first) : undefined
  const nText = namedLab ? second : first
  const store = course ? openStore(course) : null
  const saved: Progress = store ? await store.loadProgress() : { labs: {} }
  const id = currentLab(course ?? process.cwd(), saved, namedLab, ids)
  if (!id) {
    out('Every lab is passed: no hint needed.')
    return 0
  }
  let lab: Lab
  try {
    lab = loadLabArg(id)
  } catch (e) {
    err(`bootlab: ${(e as Error).message.split('\n').map(terminalSafe).join('\n')}`)
    return 3
  }
  if (lab.hints.length === 0) {
    out(`Lab ${lab.id} has no hints.`)
    return 0
  }
  // Without a number: the next hint not yet revealed (the course's progress counts them, as the app does).
  const revealed = saved.hints?.[lab.id] ?? 0
  const n = nText === undefined ? Math.min(revealed + 1, lab.hints.length) : Number(nText)
  if (!Number.isInteger(n) || n < 1 || n > lab.hints.length) {
    err(`bootlab hint: lab ${lab.id} has hints 1 to ${lab.hints.length}, not '${terminalSafe(nText ?? '')}'`)
    return 3
  }
  if (store && n > revealed) {
    // Read again just before the write, so a status `bootlab watch` saved meanwhile is kept.
    const fresh = await store.loadProgress()
    await store
      .saveProgress({ ...fresh, hints: { ...fresh.hints, [lab.id]: Math.max(n, fresh.hints?.[lab.id] ?? 0) } })
      .catch((e: Error) => err(style.red(`bootlab hint: the hint count was not saved (${terminalSafe(e.message)})`)))
  }
  out(style.bold(`Hint ${n} of ${lab.hints.length} for ${lab.id}:`))
  out(renderMarkdown(lab.hints[n - 1], style))
  // The next one of this lab (a bare `bootlab hint` is the current lab's, which may be another).
  const shownNow = store ? Math.max(revealed, n) : n
  if (shownNow < lab.hints.length) out(style.dim(`(the next: bootlab hint ${lab.id}${store ? '' : ` ${n + 1}`})`))
  else out(style.dim(`(all ${lab.hints.length} hints are shown; bootlab hint ${lab.id} <1-${lab.hints.length}> shows any of them)`))
  return 0
}

/** What one save earned: the goals, the first failing goal's evidence, the verdict. */
function printWatchGrade(grade: LabGrade, out: Out, style: Style): void {
  for (const g of grade.goals) out(`  ${g.passed ? style.green('PASS') : style.red('FAIL')}  [${g.weight}] ${terminalSafe(g.name)}`)
  const failing = grade.goals.find((g) => !g.passed)
  if (failing) {
    out('')
    out(`  ${style.bold(terminalSafe(failing.name))}: ${terminalSafe(failing.message)}`)
    for (const { detail, scenarios } of groupEvidence(failing.evidence).slice(0, 3)) {
      out(`    - ${terminalSafe(detail)}`)
      if (scenarios.length) out(style.dim(`      on ${terminalSafe(scenarios.join(', '))}`))
    }
  }
  const passed = grade.goals.filter((g) => g.passed).length
  out(grade.passed ? style.green(`ALL GOALS PASSED (score ${grade.score}/${grade.total})`) : style.red(`${passed}/${grade.goals.length} GOALS PASSED (score ${grade.score}/${grade.total})`))
}

/**
 * Grade the current lab on every save of its start.c until interrupted, or
 * until every lab is passed. Resolves with the exit status when it stops.
 */
export async function watchCourse(argv: string[], out: Out, err: Out, style: Style, signal?: AbortSignal, openStore: (course: string) => ProgressStore = (c) => new UserStore(c)): Promise<number> {
  const course = findCourse(process.cwd())
  if (!course) return noCourse(err)
  const store = openStore(course)
  const ids = courseLabIds()
  let saved = await store.loadProgress()
  if (saved.notice) err(saved.notice)
  const named = argv[0] === undefined ? undefined : labName(argv[0])
  if (named !== undefined && !ids.includes(named)) {
    err(`bootlab watch: no lab '${terminalSafe(named)}' in this course (bootlab progress lists them)`)
    return 3
  }
  let id = currentLab(course, saved, named, ids)
  if (!id) {
    out('Every lab is passed. Well done.')
    return 0
  }

  // Read again before each write: `bootlab hint` in another terminal (or the app) may have changed
  // the record since; only this lab's status is ours to change, the hint counts are kept.
  const setStatus = async (labId: string, status: LabStatus) => {
    const fresh = await store.loadProgress()
    saved = fresh
    if (fresh.labs[labId] === status || (fresh.labs[labId] === 'passed' && status === 'in-progress')) return
    saved = { ...fresh, labs: { ...fresh.labs, [labId]: status } }
    // A progress.json that cannot be written (a full disk, a read-only folder) is said, and the watch goes on.
    await store.saveProgress(saved).catch((e: Error) => err(style.red(`bootlab watch: progress not saved (${terminalSafe(e.message)}); the grade above stands`)))
  }

  let lab = loadLabArg(id)
  let grading = Promise.resolve()
  const gradeNow = (reason: string) => {
    const labNow = lab
    // One grade at a time, in order; one that fails is said and the next save is graded all the same.
    grading = grading.then(async () => {
      const file = join(course, labNow.id, LEARNER_FILE)
      let text: string
      try {
        text = readFileSync(file, 'utf8')
      } catch {
        out(`${labNow.id}/${LEARNER_FILE} is missing: bootlab init ${terminalSafe(course)} puts it back.`)
        return
      }
      out('')
      out(style.bold(`== ${labNow.id}: ${terminalSafe(labNow.title)} (${reason})`))
      const { policy, grade } = await gradeSource(labNow, { name: basename(LEARNER_FILE, '.c'), file, text })
      // Named by the lab's folder: a course has a start.c in every lab, and an editor jumps to the path.
      printDiagnostics(policy.diagnostics, { name: 'start', file, text }, out, style, `${labNow.id}/${LEARNER_FILE}`)
      printWatchGrade(grade, out, style)
      // The app's rule: an explore lab is finished once its questions are answered too.
      const completion = labCompletion(labNow, grade, readAnswers(course, labNow))
      if (!completion.done) {
        // Saved before it is said: whoever reads progress.json after the message finds the status in it.
        await setStatus(labNow.id, 'in-progress')
        if (completion.goalsPassed) {
          out(style.yellow(`The goals pass. Answer the questions in ${labNow.id}/${ANSWERS_FILE} to finish this lab (${completion.answered} of ${completion.questions} answered).`))
        }
        return
      }
      await setStatus(labNow.id, 'passed')
      const passed = ids.filter((x) => saved.labs[x] === 'passed').length
      // The next lab in course order not passed yet, then any earlier one left behind.
      const after = ids.slice(ids.indexOf(labNow.id) + 1)
      const next = [...after, ...ids].find((x) => saved.labs[x] !== 'passed')
      out(style.green(`Lab ${labNow.id} passed (${passed}/${ids.length}).`))
      if (!next) {
        out('Every lab is passed. Well done.')
        stop()
        return
      }
      if (lab.id === labNow.id) {
        id = next
        lab = loadLabArg(next)
        out(`Next: ${next} — edit ${next}/${LEARNER_FILE} (bootlab lab ${next} shows the instructions).`)
        retarget()
      }
    }).catch((e: Error) => err(style.red(`bootlab watch: ${labNow.id} could not be graded (${terminalSafe(e.message)}); watching on`)))
  }

  let watcher: ReturnType<typeof watch> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let finish: (code: number) => void = () => {}
  const done = new Promise<number>((resolve) => (finish = resolve))
  /** The watched lab folder's inode: a folder made again under the same name is another one. */
  let watchedIno: number | undefined
  const retarget = () => {
    watcher?.close()
    watcher = undefined
    watchedIno = undefined
    try {
      watchedIno = statSync(join(course, lab.id)).ino
      // The folder, not the file: editors save by writing a new file and renaming it over the old one.
      watcher = watch(join(course, lab.id), (_event, name) => {
        if (name?.toString() !== LEARNER_FILE && name?.toString() !== ANSWERS_FILE) return
        clearTimeout(timer)
        timer = setTimeout(() => gradeNow('saved'), 150)
      })
      watcher.on('error', () => retarget())
    } catch {
      // The lab's folder is gone (deleted, or a course made before the lab existed): said once, and
      // watched for from the course folder, which sees it come back (bootlab init).
      out(`${lab.id}/ is missing: bootlab init ${terminalSafe(course)} puts it back; watching for it.`)
      return
    }
    out(style.dim(`watching ${lab.id}/${LEARNER_FILE}${lab.questions.length ? ` and ${ANSWERS_FILE}` : ''} (Ctrl+C stops)`))
  }
  // A lab folder deleted and made again is a new folder: the course folder sees it, and the watch moves to it.
  let folderTimer: ReturnType<typeof setTimeout> | undefined
  const courseWatcher = watch(course, (_event, name) => {
    if (name?.toString() !== lab.id) return
    clearTimeout(folderTimer)
    folderTimer = setTimeout(() => {
      const ino = statSync(join(course, lab.id), { throwIfNoEntry: false })?.ino
      if (ino === undefined || ino === watchedIno) return
      retarget()
      gradeNow('saved')
    }, 150)
  })
  const stop = () => {
    watcher?.close()
    courseWatcher.close()
    clearTimeout(timer)
    clearTimeout(folderTimer)
    void grading.then(() => finish(0))
  }
  signal?.addEventListener('abort', stop)
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  retarget()
  gradeNow('now')
  const code = await done
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  return code
}
