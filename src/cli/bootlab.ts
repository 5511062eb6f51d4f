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
import { existsSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import { parseArgs } from 'node:util'
import { isMainThread } from 'node:worker_threads'
import { boot, type BootResult, closestName, type Diagnostic, firstDivergence, formatScenarioErrors } from '../core'
import { closestLabId, formatLabErrors, gradePolicy, type Lab, type PolicyGrade } from '../labs'
import { loadLabCached } from '../node/lab-cache'
import { readLabFolder } from '../node/lab-folder'
import { loadKernelPolicy, loadLabCompiler } from '../node/kernel-policy'
import { isLabPath, LABS_DIR, labDir, listLabDirs, listPolicies, listScenarios, type NamedText, POLICY_DIR, readKernelResources, readNamed, resolveNamed, SCENARIO_DIR } from '../node/resources'
import { readScenario } from '../node/scenario-cache'
import { DEFAULT_TIMEOUT_SECONDS, EMPTY_SUBMISSION, isEmptySubmission, MAX_SUBMISSION_BYTES, MAX_TIMEOUT_SECONDS } from './submission-limits'
import { GRADE_FORMATS, type GradeFormat, toGradescope, toJUnit } from './grade-formats'
import { formatDiagnostic } from './diagnostic-text'
import { printGrade } from './grade-report'
import { PLAIN, type Style, wantsColour, wantsStatusLine, makeStyle } from './style'
import { terminalSafe } from './terminal-text'

const USAGE = `usage: bootlab boot --scenario <file|name> --policy <file|name> [--json] [--compare <file|name>]
                    [--report <file.html|file.md> [--learner <name>]] [--ptdump [--step <fn>]]
       bootlab boot --scenario <file|name> --policy <file|name> --break <file.c:line> [--break ...] [--print 'a,b,f()']
       bootlab boot --lab <id|path> --policy <file|name> [--format <f>] [--report <file.html|file.md> [--learner <name>]]
       bootlab boot --lab <id|path> --policy-dir <dir> [--format <f>] [--shard <i>/<n>] [--timeout <seconds>] [--jobs <n>]

  --scenario  a scenario YAML/JSON file, or a bundled name (realm, host-mixed, ...)
  --policy    a kernel policy .c file, or a bundled name (unpatched, patched-v1,
              patched-v2, series, memblock-split)
  --compare   boot a second policy on the same scenario and show the first divergence
  --json      print the BootResult as JSON instead of the console (with --lab: --format json)
  --break     stop at a policy line (file.c:line) and print, at each hit, the --print expressions
              (C, in the stopped function's scope) or its locals; then the boot as usual (docs/debugging.md)
  --ptdump    print the linear map as the kernel's ptdump (kernel_page_tables) instead of the
              console: at the end of boot, or with --step <fn> at the end of that boot step;
              with --compare a line diff of the two dumps
  --report    also write the lab report (with the --compare summary) to a .html or .md file
  --learner   the learner's name in the report
  --lab       grade the policy against a lab's goals (a folder of labs/, or a path)
  --format    with --lab: human (default), json (every goal's result), junit (JUnit XML: one
              testsuite per submission, one testcase per goal), gradescope (Gradescope's
              results.json; with --policy-dir one per line)
  --policy-dir  with --lab, grade every .c file of a folder (a class's submissions): one line
              each, then a summary; each submission gets --timeout seconds (default
              ${DEFAULT_TIMEOUT_SECONDS}), --jobs of them at once (default: one per CPU)
  --shard     with --policy-dir, grade only shard i of n (every n-th file in name order):
              shards 1/n ... n/n together grade every submission exactly once
  --no-color  no colour even on a terminal (also: NO_COLOR=1; none in a pipe)

exit status: 0 booted, 1 booted with warnings, 2 failed, 3 bad input, 4 report not written
  (with --compare: the worse of the two boots)
with --lab:  0 all goals pass, 1 some goals fail, 3 bad input, 4 report not written
  (with --policy-dir: 0 only when every submission passes every goal)`

export const EXIT = { booted: 0, 'booted-with-warnings': 1, failed: 2, 'policy-error': 3, badInput: 3, reportNotWritten: 4 } as const
const GRADE_EXIT = { passed: 0, failed: 1, badInput: 3 } as const

export class BadInput extends Error {}

/**
 * A --policy, --compare or --scenario argument read, or a BadInput: only a
 * regular file of at most the grader's cap is opened, so /dev/zero is not read
 * for ever and a FIFO does not block the command.
 */
function readArg(arg: string, kind: 'policy' | 'scenario'): NamedText {
  const path = resolveNamed(arg, kind === 'policy' ? POLICY_DIR : SCENARIO_DIR, kind === 'policy' ? '.c' : '.yaml')
  const stat = statSync(path, { throwIfNoEntry: false })
  if (stat && !stat.isFile()) throw new BadInput(`--${kind} ${arg}: not a regular file (a ${kind} is a text file)`)
  if (stat && stat.size > MAX_SUBMISSION_BYTES) throw new BadInput(`--${kind} ${arg}: is ${(stat.size / 2 ** 20).toFixed(1)} MiB; a ${kind} is at most ${MAX_SUBMISSION_BYTES / 2 ** 20} MiB`)
  try {
    return readNamed(arg, kind)
  } catch (e) {
    const near = stat ? undefined : closestName(arg.replace(/\.(c|ya?ml)$/, ''), kind === 'policy' ? listPolicies() : listScenarios())
    throw new BadInput(`${(e as Error).message}${near ? `\ndid you mean '${near}'?` : ''}`)
  }
}

/** A lab argument that names no folder: the bundled lab id closest to it, if any. */
function labSuggestion(arg: string): string {
  if (!existsSync(LABS_DIR)) return ''
  const near = closestLabId(arg, listLabDirs().map((d) => basename(d)))
  return near ? `\ndid you mean '${near}'?` : ''
}

/**
 * A policy's diagnostics (errors and warnings), gcc style with the source line and a caret; those of
 * the policy's own file named `shownAs` (a course's watch names it by its lab folder).
 */
export function printDiagnostics(diagnostics: Diagnostic[], policy: NamedText, err: (s: string) => void, style: Style, shownAs = basename(policy.file)): void {
  for (const d of diagnostics) {
    const own = d.file === basename(policy.file)
    for (const line of formatDiagnostic(own ? { ...d, file: shownAs } : d, own ? policy.text : undefined, style)) err(line)
  }
}

function statusLine(r: BootResult, style: Style): string {
  const [word, colour] = ({ booted: ['BOOTED', style.green], 'booted-with-warnings': ['BOOTED WITH WARNINGS', style.yellow], failed: ['FAILED', style.red], 'policy-error': ['POLICY ERROR', style.red] } as const)[r.verdict.status]
  return `${colour(word)}: ${terminalSafe(r.verdict.headline)}`
}

/** A console line with the kernel's WARNING and panic lines coloured (the console's own words, not a re-wording). */
function consoleLine(line: string, style: Style): string {
  // The record's trailing newline is already gone (KernelLog.printk, as printk_sprint() strips it); any other is shown escaped.
  const safe = terminalSafe(line)
  const text = line.replace(/^\[[ \d.]+\] /, '')
  if (/^(WARNING:|------------\[ cut here \])/.test(text)) return style.yellow(safe)
  if (/Kernel panic|^Unable to handle|^Internal error/.test(text)) return style.red(safe)
  return safe
}

/** The console and the verdict; a policy's printk text and names have their control characters escaped. */
function printReport(r: BootResult, out: (s: string) => void, style: Style): void {
  for (const line of r.console) out(consoleLine(line.line, style))
  if (r.console.length) out('')
  out(style.bold(terminalSafe(`== ${r.policyName} on ${r.scenarioName}`)))
  out(statusLine(r, style))
  // A policy error's causes are its located diagnostics, which follow on stderr with the source line and a caret.
  if (r.verdict.status !== 'policy-error') for (const c of r.verdict.causes) out(terminalSafe(`  - ${c}`))
  if (r.assumptions.length) {
    out('assumptions (the kernel reference marks these unverified):')
    for (const a of r.assumptions) out(`  * ${a}`)
  }
}

async function bootNamed(scenarioArg: string, policyArg: string): Promise<{ result: BootResult; policy: NamedText; diagnostics: Diagnostic[] }> {
  const scenarioText = readArg(scenarioArg, 'scenario')
  const policyText = readArg(policyArg, 'policy')
  const parsed = readScenario(scenarioText)
  if (!parsed.scenario) throw new BadInput(formatScenarioErrors(parsed.errors))
  const policy = await loadKernelPolicy(policyText)
  const result = boot(parsed.scenario, policy)
  // The compiler's warnings, then every error (the compiler's or what stopped the run), each once.
  const seen = new Set<string>()
  const diagnostics = [...policy.diagnostics.filter((d) => d.severity === 'warning'), ...result.diagnostics.filter((d) => d.severity === 'error')].filter((d) => {
    const key = `${d.file}:${d.line}:${d.column}:${d.message}`
    return !seen.has(key) && seen.add(key)
  })
  return { result, policy: policyText, diagnostics }
}

/** A --lab argument (an id of labs/ or a path) loaded and validated, or a bad-input error saying what is wrong. */
export function loadLabArg(labArg: string): Lab {
  // A bare name that is no bundled lab is a lab id mistyped, not a folder path to show.
  if (!isLabPath(labArg) && !existsSync(labDir(labArg))) throw new BadInput(`no lab '${labArg}' (bootlab labs lists them; a lab folder of your own is given as a path, e.g. ./${labArg})${labSuggestion(labArg)}`)
  const read = readLabFolder(labDir(labArg))
  if (!read.folder) throw new BadInput(formatLabErrors(read.errors))
  const loaded = loadLabCached(read.folder, readKernelResources())
  if (!loaded.lab) throw new BadInput(formatLabErrors(loaded.errors))
  return loaded.lab
}

/** A policy text graded by the sequence every host shares (src/labs/grade-policy.ts); the compiled policy holds its diagnostics. */
export async function gradeSource(lab: Lab, source: NamedText): Promise<PolicyGrade> {
  return gradePolicy(lab, source, await loadLabCompiler())
}

async function gradeNamed(
  labArg: string,
  policyArg: string,
  format: GradeFormat,
  report: { path: string; learner?: string } | undefined,
  out: (s: string) => void,
  err: (s: string) => void,
  style: Style,
): Promise<number> {
  const loaded = { lab: loadLabArg(labArg) }
  const policyText = readArg(policyArg, 'policy')
  const started = performance.now()
  const graded = await gradeSource(loaded.lab, policyText)
  const { policy } = graded
  // An empty hand-in earns nothing in every format (it would score what the base kernel scores), each goal saying why.
  const empty = isEmptySubmission(policyText.text)
  const grade = empty ? { ...graded.grade, passed: false, score: 0, goals: graded.grade.goals.map((g) => ({ ...g, passed: false, evidence: [EMPTY_SUBMISSION.message] })) } : graded.grade
  let passed = grade.passed
  if (format === 'json') out(JSON.stringify(grade, null, 1))
  else if (format === 'human') {
    printDiagnostics(policy.diagnostics, policyText, err, style)
    printGrade(loaded.lab, grade, out, style)
  } else {
    // A grader's formats (JUnit, Gradescope) grade a hand-in, as the class grader grades each file of a folder.
    const { resultOf } = await import('./batch-grade')
    const { answerOf } = await import('./grade-worker')
    const seconds = (performance.now() - started) / 1000
    const result = resultOf(basename(policyText.file), grade.total, seconds, empty ? { error: EMPTY_SUBMISSION } : answerOf(graded))
    passed = result.status === 'passed'
    out(format === 'junit' ? toJUnit([result], loaded.lab, result.seconds) : JSON.stringify(toGradescope(result, loaded.lab), null, 1))
  }
  if (report && !(await (await import('./report-option')).writeLabReport({ ...report, lab: loaded.lab, grade, policy: policyText }, format === 'human' ? out : err, err))) return EXIT.reportNotWritten
  return passed ? GRADE_EXIT.passed : GRADE_EXIT.failed
}

/** A positive number option (`--timeout 30`), or a BadInput saying what it must be. */
function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!(n > 0) || !Number.isFinite(n)) throw new BadInput(`--${name} must be a positive number, not '${value}'`)
  return n
}

async function gradeFolder(labArg: string, dir: string, values: { timeout?: string; jobs?: string; shard?: string }, format: GradeFormat, out: (s: string) => void, terminal: Terminal): Promise<number> {
  // The class grader (and the worker threads it starts from its own module) loads only for a class.
  const { defaultJobs, gradeSubmissions, listSubmissions, parseShard, shardOf, SubmissionFolderError } = await import('./batch-grade')
  const lab = loadLabArg(labArg)
  const timeoutSeconds = positiveNumber(values.timeout, 'timeout', DEFAULT_TIMEOUT_SECONDS)
  if (timeoutSeconds > MAX_TIMEOUT_SECONDS) throw new BadInput(`--timeout must be at most ${MAX_TIMEOUT_SECONDS} seconds (about 24 days), not '${values.timeout}'`)
  const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs)
  const stat = statSync(dir, { throwIfNoEntry: false })
  if (!stat?.isDirectory()) throw new BadInput(`--policy-dir ${dir}: ${stat ? 'is not a directory (give the folder of submissions; one file is --policy)' : 'no such directory'}`)
  let submissions
  try {
    submissions = listSubmissions(dir)
  } catch (e) {
    if (e instanceof SubmissionFolderError) throw new BadInput(e.message)
    throw e
  }
  if (submissions.length === 0) throw new BadInput(`--policy-dir ${dir}: no .c files to grade`)
  if (values.shard !== undefined) {
    const shard = parseShard(values.shard)
    if (!shard) throw new BadInput(`--shard must be i/n with 1 <= i <= n (for example 2/4), not '${values.shard}'`)
    // An empty shard (more shards than submissions) grades nothing and passes: the other shards hold
    // the class. It still writes its format (a JUnit document of no tests, a JSON summary of none),
    // as a CI matrix collects every shard's file.
    submissions = shardOf(submissions, shard.index, shard.count)
  }
  const summary = await gradeSubmissions(lab, submissions, { format, timeoutSeconds, jobs, style: terminal.style, status: format === 'human' ? terminal.status : undefined }, out)
  return summary.passed === summary.submissions ? GRADE_EXIT.passed : GRADE_EXIT.failed
}

/** How the command line's output reaches a person: colours, and a status line redrawn in place (a TTY's stderr only). */
export interface Terminal {
  style: Style
  status?: (line: string) => void
}

/** The terminal of this process: colour on a TTY unless NO_COLOR or --no-color; the status line likewise, on stderr. */
export function processTerminal(noColor: boolean): Terminal {
  return {
    style: makeStyle(wantsColour(process.stdout, process.env, noColor)),
    status: wantsStatusLine(process.stderr, process.env, noColor) ? (line) => void process.stderr.write(`\r\x1b[K${terminalSafe(line)}`) : undefined,
  }
}

/**
 * Node's words for an option whose value starts with a dash ("Option '--jobs' argument is
 * ambiguous. Did you forget…") say it as a learner would need it.
 */
function optionProblem(message: string): string {
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message)
  return ambiguous ? `${ambiguous[1]} needs a value; write ${ambiguous[1]}=<value> for one that starts with '-'` : message
}

export async function runBoot(argv: string[], out: (s: string) => void, err: (s: string) => void, terminal: Terminal = { style: PLAIN }): Promise<number> {
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
        format: { type: 'string' },
        shard: { type: 'string' },
        'no-color': { type: 'boolean', default: false },
        break: { type: 'string', multiple: true },
        print: { type: 'string' },
        ptdump: { type: 'boolean', default: false },
        step: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }))
  } catch (e) {
    err(`bootlab: ${optionProblem((e as Error).message)}\n${USAGE}`)
    return EXIT.badInput
  }
  if (values.help) {
    out(USAGE)
    return 0
  }
  const style = values['no-color'] ? PLAIN : terminal.style
  const format = (values.format ?? (values.json ? 'json' : 'human')) as GradeFormat
  if (!GRADE_FORMATS.includes(format)) {
    err(`bootlab: --format is one of ${GRADE_FORMATS.join(', ')} (--json is --format json), not '${values.format}'`)
    return EXIT.badInput
  }
  if (values.json && format !== 'json') {
    err(`bootlab: --json is --format json; it cannot go with --format ${format}`)
    return EXIT.badInput
  }
  if ((format === 'junit' || format === 'gradescope') && values.lab === undefined) {
    err(`bootlab: --format ${format} is for grading, with --lab`)
    return EXIT.badInput
  }
  // Options that only mean something with another: said, never silently ignored.
  const alone = (
    [
      [values.shard !== undefined, '--shard splits a --policy-dir', values['policy-dir'] === undefined],
      [values.timeout !== undefined, '--timeout limits each submission of a --policy-dir', values['policy-dir'] === undefined],
      [values.jobs !== undefined, '--jobs grades a --policy-dir in parallel', values['policy-dir'] === undefined],
      [values.print !== undefined, '--print says what to print at a --break', !values.break?.length],
      [values.learner !== undefined, '--learner names the learner on a --report', values.report === undefined],
    ] as const
  ).find(([given, , missing]) => given && missing)
  if (alone) {
    err(`bootlab: ${alone[1]}`)
    return EXIT.badInput
  }
  if (values.jobs !== undefined && !/^[1-9]\d*$/.test(values.jobs)) {
    err(`bootlab: --jobs must be a whole number of workers (1 or more), not '${values.jobs}'`)
    return EXIT.badInput
  }
  // The report writers (src/report, diff) and the --break and --ptdump helpers load only when asked for.
  const reports = values.report === undefined ? null : await import('./report-option')
  const reportProblem = values.report === undefined ? null : reports!.reportPathProblem(values.report)
  if (reportProblem) {
    err(`bootlab: ${reportProblem}`)
    return EXIT.badInput
  }
  const conflict =
    values.step !== undefined && !values.ptdump
      ? '--step goes with --ptdump'
      : values.ptdump && (values.json || values.lab !== undefined)
        ? '--ptdump prints a boot\'s map: not with --json or --lab'
        : values.break?.length && values.lab !== undefined
          ? '--break stops in one boot of --scenario: not with --lab'
          : null
  if (conflict) {
    err(`bootlab: ${conflict}\n${USAGE}`)
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
      if (dir !== undefined) return await gradeFolder(values.lab, dir, values, format, out, { style, status: terminal.status })
      const report = values.report === undefined ? undefined : { path: values.report, learner: values.learner }
      return await gradeNamed(values.lab, values.policy!, format, report, out, err, style)
    } catch (e) {
      if (e instanceof BadInput) {
        err(`bootlab: ${e.message.split("\n").map(terminalSafe).join("\n")}`)
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
    report === undefined || (await reports!.writeBootReport({ path: report, learner, policyArg: policy, compareArg: compare, result, compared }, json ? err : out, err))
  try {
    // Booted first: reading the policy refuses what is not a regular file (a FIFO would hang the debugger's read).
    const booted = await bootNamed(values.scenario, values.policy)
    if (values.break?.length) {
      const { printBreakpointHits } = await import('./break-option')
      // With --json, stdout is the JSON alone: the hits go to stderr.
      const problem = await printBreakpointHits(values.scenario, values.policy, { breaks: values.break, print: values.print }, json ? err : out)
      if (problem) throw new BadInput(problem)
    }
    const left = booted.result
    if (values.ptdump) {
      const { ptdumpDiffLines, ptdumpLines } = await import('./ptdump-option')
      const right = values.compare ? (await bootNamed(values.scenario, values.compare)).result : null
      const dumps = [left, ...(right ? [right] : [])].map((r) => ptdumpLines(r, values.step))
      for (const d of dumps) if ('error' in d) throw new BadInput(d.error)
      const [l, r] = dumps as { lines: string[] }[]
      for (const line of r ? ptdumpDiffLines(l.lines, r.lines) : l.lines) out(line)
      if (!(await writeReport(left, right ?? undefined))) return EXIT.reportNotWritten
      return Math.max(EXIT[left.verdict.status], right ? EXIT[right.verdict.status] : 0)
    }
    if (!values.compare) {
      if (values.json) out(JSON.stringify(left, null, 1))
      else printReport(left, out, style)
      printDiagnostics(booted.diagnostics, booted.policy, err, style)
      if (!(await writeReport(left))) return EXIT.reportNotWritten
      return EXIT[left.verdict.status]
    }
    const right = (await bootNamed(values.scenario, values.compare)).result
    const divergence = firstDivergence(left, right)
    if (values.json) out(JSON.stringify({ left, right, divergence }, null, 1))
    else {
      out(`left:  ${terminalSafe(left.policyName)}: ${statusLine(left, style)}`)
      out(`right: ${terminalSafe(right.policyName)}: ${statusLine(right, style)}`)
      out(divergence ? terminalSafe(divergence.explanation) : 'The two boots are identical.')
    }
    if (!(await writeReport(left, right))) return EXIT.reportNotWritten
    return Math.max(EXIT[left.verdict.status], EXIT[right.verdict.status])
  } catch (e) {
    if (e instanceof BadInput) {
      err(`bootlab: ${e.message.split("\n").map(terminalSafe).join("\n")}`)
      return EXIT.badInput
    }
    throw e
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2)
  const out = (s: string) => process.stdout.write(s + '\n')
  const err = (s: string) => process.stderr.write(s + '\n')
  if (command === 'dap') return void (process.exitCode = await (await import('./dap')).runDap())
  if (command !== 'boot') {
    err(`bootlab: unknown command '${command ?? ''}'\n${USAGE}`)
    process.exitCode = EXIT.badInput
    return
  }
  process.exitCode = await runBoot(rest, out, err, processTerminal(rest.includes('--no-color')))
}

// Not in a grading worker: bundled, the worker runs this same file with it as argv[1] (batch-grade.ts).
if (isMainThread && (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bootlab.ts'))) {
  await main()
}
