/*
 * `--report <file>` for the command-line boot: the lab report of the boot (with
 * the --compare boot's summary when there is one), as HTML or Markdown by the
 * file's extension, written atomically. The policy's patch is against the
 * --compare policy when there is one (what the learner measures against),
 * else against the base kernel (unpatched.c).
 */
import { basename, extname } from 'node:path'
import type { BootResult } from '../core'
import { ExportError, writeFileAtomic } from '../node/export'
import { BASE_POLICY, readNamed } from '../node/resources'
import { compareBoots, renderHtml, renderMarkdown, type ReportInput } from '../report/report'

const REPORT_RENDERERS = { '.html': renderHtml, '.htm': renderHtml, '.md': renderMarkdown, '.markdown': renderMarkdown } as const

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

/** Write the report; says where on `info`, or why not on `err`. False when nothing was written. */
export async function writeBootReport(request: BootReportRequest, info: (s: string) => void, err: (s: string) => void): Promise<boolean> {
  const policy = readNamed(request.policyArg, 'policy')
  const start = readNamed(request.compareArg ?? BASE_POLICY, 'policy')
  const input: ReportInput = {
    learner: request.learner ?? 'unnamed learner',
    date: today(),
    scenarioName: request.result.scenarioName,
    policyFile: basename(policy.file),
    startPolicyName: basename(start.file),
    startPolicy: start.text,
    policy: policy.text,
    result: request.result,
    compare: request.compared && compareBoots(request.result, request.compared),
  }
  const render = REPORT_RENDERERS[extensionOf(request.path) as ReportExtension]
  try {
    await writeFileAtomic(request.path, render(input))
  } catch (e) {
    if (!(e instanceof ExportError)) throw e
    err(`bootlab: ${e.message}`)
    return false
  }
  info(`report written to ${request.path}`)
  return true
}
