/*
 * `--report <file>` for the command-line boot: the lab report of the boot (with
 * the --compare boot's summary when there is one), as HTML or Markdown by the
 * file's extension, written atomically. The policy's patch is against the
 * lab's starting policy with --lab, else the --compare policy when there is
 * one (what the learner measures against), else the base kernel (unpatched.c).
 */
import { readdirSync, rmSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import { boot, type BootResult, type PolicySource } from '../core'
import { evidenceLines, type Lab, type LabGrade, labPolicyLookup, reportedExpectation } from '../labs'
import { AtomicWriteError, writeFileAtomic } from '../node/atomic-write'
import { loadKernelPolicy } from '../node/kernel-policy'
import { BASE_POLICY, readNamed } from '../node/resources'
import { answersFor, hintsRevealed } from './course-folder'
import { compareBoots, renderHtml, renderMarkdownFolder, type ReportInput } from '../report/report'

/** A report's files: `name` null is the --report path itself; the others go beside it. */
type Rendered = { name: string | null; text: string }[]
const html = (input: ReportInput): Rendered => [{ name: null, text: renderHtml(input) }]
/**
 * The files beside a Markdown report are named after it (`sol.md`: `sol.timeline.svg`,
 * `sol.map-1-after-map_mem.svg`, `sol.policy.patch`), so two reports in one folder keep their own
 * pictures; the name's other characters become '-', which every Markdown link takes as is.
 */
const companionPrefix = (path: string): string => `${basename(path, extname(path)).replace(/[^A-Za-z0-9._-]/g, '-')}.`
/** What an earlier report of the same name may have left beside it. */
const COMPANION = /^(timeline\.svg|map-\d+-[A-Za-z0-9_-]*\.svg|policy\.patch)$/

/** The Markdown report's folder: the .md at the --report path, its pictures and patch beside it. */
const markdown = (input: ReportInput, path: string): Rendered => renderMarkdownFolder(input, companionPrefix(path)).map((f, i) => ({ name: i === 0 ? null : f.name, text: f.text }))
const REPORT_RENDERERS = { '.html': html, '.htm': html, '.md': markdown, '.markdown': markdown } as const

type ReportExtension = keyof typeof REPORT_RENDERERS

const extensionOf = (path: string): string => extname(path).toLowerCase()

/** Null when the CLI can write a report to `path`; otherwise why not. */
export function reportPathProblem(path: string): string | null {
  return extensionOf(path) in REPORT_RENDERERS ? null : `--report ${path}: the file must end in .html or .md (that picks the format)`
}

export interface BootReportRequest {
  path: string
  learner?: string
  /** The --policy and --compare arguments: bundled names or files. */
  policyArg: string
  compareArg?: string
  result: BootResult
  /** The --compare boot, when there was one. */
  compared?: BootResult
}

/** Today in the local time zone, as YYYY-MM-DD. */
function today(): string {
  const d = new Date()
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

/**
 * The companions an earlier report of this name left that this one does not write (a patch when the
 * policy is now unchanged, a map picture of a step this boot has not): removed, so the folder holds
 * only what the report links to.
 */
function removeStaleCompanions(path: string, written: Rendered): void {
  const prefix = companionPrefix(path)
  const names = new Set(written.map((f) => f.name))
  let entries: string[]
  try {
    entries = readdirSync(dirname(path))
  } catch {
    return
  }
  for (const name of entries) if (name.startsWith(prefix) && COMPANION.test(name.slice(prefix.length)) && !names.has(name)) rmSync(join(dirname(path), name), { force: true })
}

/** Render and write; says where on `info`, or why not on `err`. False when nothing was written. */
async function writeReport(path: string, input: ReportInput, info: (s: string) => void, err: (s: string) => void): Promise<boolean> {
  const render = REPORT_RENDERERS[extensionOf(path) as ReportExtension]
  try {
    const files = render(input, path)
    for (const file of files) await writeFileAtomic(file.name === null ? path : join(dirname(path), file.name), file.text)
    if (render === markdown) removeStaleCompanions(path, files)
  } catch (e) {
    if (!(e instanceof AtomicWriteError)) throw e
    err(`bootlab: ${e.message}`)
    return false
  }
  info(`report written to ${path}`)
  return true
}

/** The report of a --scenario boot. */
export async function writeBootReport(request: BootReportRequest, info: (s: string) => void, err: (s: string) => void): Promise<boolean> {
  const policy = readNamed(request.policyArg, 'policy')
  const start = readNamed(request.compareArg ?? BASE_POLICY, 'policy')
  return writeReport(
    request.path,
    {
      learner: request.learner ?? '',
      date: today(),
      scenarioName: request.result.scenarioName,
      policyFile: basename(policy.file),
      startPolicyName: basename(start.file),
      startPolicy: start.text,
      policy: policy.text,
      result: request.result,
      compare: request.compared && compareBoots(request.result, request.compared),
    },
    info,
    err,
  )
}

export interface LabReportRequest {
  path: string
  learner?: string
  lab: Lab
  grade: LabGrade
  policy: PolicySource
}

/**
 * The report of a --lab grading: the goals as graded, and the boot on the lab's
 * first scenario compared with the lab's starting policy there (start on the
 * left, the learner's policy on the right, as in the app; no comparison for
 * start.c itself or a policy that does not compile). The hints used are the
 * ones `bootlab hint` revealed in the course folder holding the policy file (0
 * outside a course), and the answers those in its answers.md (none outside a course).
 */
export async function writeLabReport(request: LabReportRequest, info: (s: string) => void, err: (s: string) => void): Promise<boolean> {
  const { lab } = request
  const machine = lab.scenarios[0]
  const lookup = labPolicyLookup(lab)
  const [policy, start] = await Promise.all([loadKernelPolicy(request.policy, lookup), loadKernelPolicy(lab.start, lookup)])
  const result = boot(machine.scenario, policy)
  const answers = answersFor(request.policy.file, lab)
  const comparable = request.policy.text !== lab.start.text && !policy.diagnostics.some((d) => d.severity === 'error')
  return writeReport(
    request.path,
    {
      learner: request.learner ?? '',
      date: today(),
      lab: { id: lab.id, title: lab.title, goals: request.grade.goals.map((g) => ({ ...g, evidence: evidenceLines(g.evidence) })), hintsUsed: await hintsRevealed(request.policy.file, lab.id), questions: lab.questions.map((q, i) => ({ question: q.prompt, answer: answers[i] ?? '' })), expectation: reportedExpectation(lab, result.verdict.status, request.grade) },
      scenarioName: machine.name,
      policyFile: basename(request.policy.file),
      startPolicyName: basename(lab.start.file),
      startPolicy: lab.start.text,
      policy: request.policy.text,
      result,
      // Against start.c, as in the app; nothing to compare when the policy is start.c or does not compile.
      compare: comparable ? compareBoots(boot(machine.scenario, start), result) : undefined,
    },
    info,
    err,
  )
}
