/*
 * `bootlab boot`: the command-line boot. Prints the console and the verdict, or
 * the JSON BootResult; --compare boots a second policy on the same scenario and
 * reports the first divergence. Exit status: 0 booted, 1 booted with warnings,
 * 2 failed, 3 bad input (unknown file, malformed scenario, policy that does not
 * compile or run).
 *
 * --report also writes the boot's lab report, HTML or Markdown by the file's
 * extension (src/cli/report-option.ts); exit status 4 when it cannot be written.
 *
 * With --lab it grades instead: the policy is booted on every scenario of the
 * lab and each goal is checked. Exit status: 0 all goals pass, 1 some fail (a
 * policy that does not compile fails them all), 3 bad input (unknown or
 * invalid lab, missing policy file). With --policy-dir instead of --policy it
 * grades a whole folder of submissions (batch-grade.ts).
 */
import { statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { isMainThread } from 'node:worker_threads'
import { boot, type BootResult, firstDivergence, formatScenarioErrors, parseScenario } from '../core'
import { formatLabErrors, type Lab, loadLab } from '../labs'
import { gradePolicy } from '../node/lab-grade'
import { bundledKernelResources, labDir, readLabFolder } from '../node/labs'
import { loadKernelPolicy } from '../node/kernel-policy'
import { readNamed } from '../node/resources'
import { DEFAULT_TIMEOUT_SECONDS, defaultJobs, gradeDirectory, listSubmissions } from './batch-grade'
import { printGrade } from './grade-report'
import { ptdumpDiffLines, ptdumpLines } from './ptdump-option'
import { reportPathProblem, writeBootReport, writeLabReport } from './report-option'

const USAGE = `usage: bootlab boot --scenario <file|name> --policy <file|name> [--json] [--compare <file|name>]
                    [--report <file.html|file.md> [--learner <name>]] [--ptdump [--step <fn>]]
       bootlab boot --lab <id|path> --policy <file|name> [--json] [--report <file.html|file.md> [--learner <name>]]
       bootlab boot --lab <id|path> --policy-dir <dir> [--json] [--timeout <seconds>] [--jobs <n>]

  --scenario  a scenario YAML/JSON file, or a bundled name (realm, host-mixed, ...)
  --policy    a kernel policy .c file, or a bundled name (unpatched, patched-v1,
              patched-v2, series, memblock-split)
  --compare   boot a second policy on the same scenario and show the first divergence
  --json      print the BootResult as JSON instead of the console
  --ptdump    print the linear map as the kernel's ptdump (kernel_page_tables) instead of the
              console: at the end of boot, or with --step <fn> at the end of that boot step;
              with --compare a line diff of the two dumps
  --report    also write the lab report (with the --compare summary) to a .html or .md file
  --learner   the learner's name in the report
  --lab       grade the policy against a lab's goals (a folder of labs/, or a path);
              --json then prints every goal's result
  --policy-dir  with --lab, grade every .c file of a folder (a class's submissions): one line
              each (with --json one JSON object each), then a summary; each submission gets
              --timeout seconds (default ${DEFAULT_TIMEOUT_SECONDS}), --jobs of them at once (default: one per CPU)

exit status: 0 booted, 1 booted with warnings, 2 failed, 3 bad input, 4 report not written
with --lab:  0 all goals pass, 1 some goals fail, 3 bad input, 4 report not written
  (with --policy-dir: 0 only when every submission passes every goal)`

export const EXIT = { booted: 0, 'booted-with-warnings': 1, failed: 2, 'policy-error': 3, badInput: 3, reportNotWritten: 4 } as const
const GRADE_EXIT = { passed: 0, failed: 1, badInput: 3 } as const

class BadInput extends Error {}

function statusLine(r: BootResult): string {
  const word = { booted: 'BOOTED', 'booted-with-warnings': 'BOOTED WITH WARNINGS', failed: 'FAILED', 'policy-error': 'POLICY ERROR' }[r.verdict.status]
  return `${word}: ${r.verdict.headline}`
}

function printReport(r: BootResult, out: (s: string) => void): void {
  for (const line of r.console) out(line.line)
  out('')
  out(`== ${r.policyName} on ${r.scenarioName}`)
  out(statusLine(r))
  for (const c of r.verdict.causes) out(`  - ${c}`)
  if (r.assumptions.length) {
    out('assumptions (the kernel reference marks these unverified):')
    for (const a of r.assumptions) out(`  * ${a}`)
  }
}

async function bootNamed(scenarioArg: string, policyArg: string): Promise<BootResult> {
  let scenarioText
  let policyText
  try {
    scenarioText = readNamed(scenarioArg, 'scenario')
    policyText = readNamed(policyArg, 'policy')
  } catch (e) {
    throw new BadInput((e as Error).message)
  }
  const parsed = parseScenario(scenarioText.text, scenarioText.file)
  if (!parsed.scenario) throw new BadInput(formatScenarioErrors(parsed.errors))
  const policy = await loadKernelPolicy(policyText)
  return boot(parsed.scenario, policy)
}

function loadLabArg(labArg: string): Lab {
  const read = readLabFolder(labDir(labArg))
  if (!read.folder) throw new BadInput(formatLabErrors(read.errors))
  const loaded = loadLab(read.folder, bundledKernelResources())
  if (!loaded.lab) throw new BadInput(formatLabErrors(loaded.errors))
  return loaded.lab
}

async function gradeNamed(
  labArg: string,
  policyArg: string,
  json: boolean,
  report: { path: string; learner?: string } | undefined,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const loaded = { lab: loadLabArg(labArg) }
  let policyText
  try {
    policyText = readNamed(policyArg, 'policy')
  } catch (e) {
    throw new BadInput((e as Error).message)
  }
  const grade = await gradePolicy(loaded.lab, policyText)
  if (json) out(JSON.stringify(grade, null, 1))
  else printGrade(loaded.lab, grade, out)
  if (report && !(await writeLabReport({ ...report, lab: loaded.lab, grade, policy: policyText }, json ? err : out, err))) return EXIT.reportNotWritten
  return grade.passed ? GRADE_EXIT.passed : GRADE_EXIT.failed
}

/** A positive number option (`--timeout 30`), or a BadInput saying what it must be. */
function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!(n > 0) || !Number.isFinite(n)) throw new BadInput(`--${name} must be a positive number, not '${value}'`)
  return n
}

async function gradeFolder(labArg: string, dir: string, values: { json: boolean; timeout?: string; jobs?: string }, out: (s: string) => void): Promise<number> {
  const lab = loadLabArg(labArg)
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new BadInput(`--policy-dir ${dir}: no such directory`)
  if (listSubmissions(dir).length === 0) throw new BadInput(`--policy-dir ${dir}: no .c files to grade`)
  const options = { json: values.json, timeoutSeconds: positiveNumber(values.timeout, 'timeout', DEFAULT_TIMEOUT_SECONDS), jobs: Math.ceil(positiveNumber(values.jobs, 'jobs', defaultJobs())) }
  const summary = await gradeDirectory(lab, dir, options, out)
  return summary.passed === summary.submissions ? GRADE_EXIT.passed : GRADE_EXIT.failed
}

export async function runBoot(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      options: {
        scenario: { type: 'string' },
        policy: { type: 'string' },
        compare: { type: 'string' },
        lab: { type: 'string' },
        'policy-dir': { type: 'string' },
        timeout: { type: 'string' },
        jobs: { type: 'string' },
        report: { type: 'string' },
        learner: { type: 'string' },
        json: { type: 'boolean', default: false },
        ptdump: { type: 'boolean', default: false },
        step: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }))
  } catch (e) {
    err(`bootlab: ${(e as Error).message}\n${USAGE}`)
    return EXIT.badInput
  }
  if (values.help) {
    out(USAGE)
    return 0
  }
  const reportProblem = values.report === undefined ? null : reportPathProblem(values.report)
  if (reportProblem) {
    err(`bootlab: ${reportProblem}`)
    return EXIT.badInput
  }
  const ptdumpProblem = values.step !== undefined && !values.ptdump ? '--step goes with --ptdump' : values.ptdump && (values.json || values.lab !== undefined) ? '--ptdump prints a boot\'s map: not with --json or --lab' : null
  if (ptdumpProblem) {
    err(`bootlab: ${ptdumpProblem}\n${USAGE}`)
    return EXIT.badInput
  }
  const dir = values['policy-dir']
  if (dir !== undefined && (values.lab === undefined || values.policy || values.report)) {
    err(`bootlab: --policy-dir grades a folder against a --lab, instead of --policy and without --report\n${USAGE}`)
    return GRADE_EXIT.badInput
  }
  if (values.lab !== undefined) {
    if ((!values.policy && !dir) || values.scenario || values.compare) {
      err(`bootlab: --lab takes --policy (and optionally --json, --report, --learner) or --policy-dir, not --scenario or --compare\n${USAGE}`)
      return GRADE_EXIT.badInput
    }
    try {
      if (dir !== undefined) return await gradeFolder(values.lab, dir, values, out)
      const report = values.report === undefined ? undefined : { path: values.report, learner: values.learner }
      return await gradeNamed(values.lab, values.policy!, values.json, report, out, err)
    } catch (e) {
      if (e instanceof BadInput) {
        err(`bootlab: ${e.message}`)
        return GRADE_EXIT.badInput
      }
      throw e
    }
  }
  if (!values.scenario || !values.policy) {
    err(`bootlab: --scenario and --policy are required\n${USAGE}`)
    return EXIT.badInput
  }
  const { report, learner, policy, compare, json } = values
  const writeReport = async (result: BootResult, compared?: BootResult): Promise<boolean> =>
    report === undefined || (await writeBootReport({ path: report, learner, policyArg: policy, compareArg: compare, result, compared }, json ? err : out, err))
  try {
    const left = await bootNamed(values.scenario, values.policy)
    if (values.ptdump) {
      const right = values.compare ? await bootNamed(values.scenario, values.compare) : null
      const dumps = [left, ...(right ? [right] : [])].map((r) => ptdumpLines(r, values.step))
      for (const d of dumps) if ('error' in d) throw new BadInput(d.error)
      const [l, r] = dumps as { lines: string[] }[]
      for (const line of r ? ptdumpDiffLines(l.lines, r.lines) : l.lines) out(line)
      if (!(await writeReport(left, right ?? undefined))) return EXIT.reportNotWritten
      return Math.max(EXIT[left.verdict.status], right ? EXIT[right.verdict.status] : 0)
    }
    if (!values.compare) {
      if (values.json) out(JSON.stringify(left, null, 1))
      else printReport(left, out)
      for (const d of left.diagnostics.filter((x) => x.severity === 'error')) err(`${d.file}:${d.line}:${d.column}: error: ${d.message}`)
      if (!(await writeReport(left))) return EXIT.reportNotWritten
      return EXIT[left.verdict.status]
    }
    const right = await bootNamed(values.scenario, values.compare)
    const divergence = firstDivergence(left, right)
    if (values.json) out(JSON.stringify({ left, right, divergence }, null, 1))
    else {
      out(`left:  ${left.policyName}: ${statusLine(left)}`)
      out(`right: ${right.policyName}: ${statusLine(right)}`)
      out(divergence ? divergence.explanation : 'The two boots are identical.')
    }
    if (!(await writeReport(left, right))) return EXIT.reportNotWritten
    return Math.max(EXIT[left.verdict.status], EXIT[right.verdict.status])
  } catch (e) {
    if (e instanceof BadInput) {
      err(`bootlab: ${e.message}`)
      return EXIT.badInput
    }
    throw e
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2)
  const out = (s: string) => process.stdout.write(s + '\n')
  const err = (s: string) => process.stderr.write(s + '\n')
  if (command !== 'boot') {
    err(`bootlab: unknown command '${command ?? ''}'\n${USAGE}`)
    process.exitCode = EXIT.badInput
    return
  }
  process.exitCode = await runBoot(rest, out, err)
}

// Not in a grading worker: bundled, the worker runs this same file with it as argv[1] (batch-grade.ts).
if (isMainThread && (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bootlab.ts'))) {
  await main()
}
