/*
 * `bootlab check <lab folder | lab id>`: what an instructor runs on a lab being written, as `npm
 * run lab:check` does for the bundled course. The folder loads (each problem with its file, line
 * and field), the names its goals use are ones its boots know (src/labs/check.ts: a misspelt WARN
 * site would make a goal pass for every policy), start.c and solution.c compile and run, the
 * reference solution passes every goal with the verdict the lab expects, a fix lab's starting
 * policy fails a goal and an explore lab's passes them all. Exit 0 when all hold, 1 when a check
 * fails, 3 when the lab does not load.
 */
import { checkLab, evidenceLines, formatLabErrors, type Lab, type LabGrade, type PolicyGrade, reportedExpectation } from '../labs'
import { loadLabCompiler } from '../node/kernel-policy'
import { BadInput, EXIT, loadLabArg } from './bootlab'
import type { Style } from './style'
import { terminalSafe } from './terminal-text'

type Out = (s: string) => void

const count = (g: LabGrade) => `${g.goals.filter((x) => x.passed).length}/${g.goals.length} goals pass`

/** The failing goals of a grade, each with its first piece of evidence. */
function failing(g: LabGrade, out: Out): void {
  for (const goal of g.goals.filter((x) => !x.passed)) {
    const [first] = evidenceLines(goal.evidence)
    out(terminalSafe(`    ${goal.name}${first ? `: ${first}` : ''}`))
  }
}

export async function runCheck(argv: string[], out: Out, err: Out, style: Style): Promise<number> {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    err('usage: bootlab check <lab folder | lab id>')
    return EXIT.badInput
  }
  let lab: Lab
  try {
    lab = loadLabArg(argv[0])
  } catch (e) {
    if (!(e instanceof BadInput)) throw e
    err(`bootlab check: ${e.message.split('\n').map(terminalSafe).join('\n')}`)
    return EXIT.badInput
  }
  const checked = checkLab(lab, await loadLabCompiler())
  const solution = checked.solution.grade
  const start = checked.start.grade
  out(terminalSafe(`== lab ${lab.id} (${lab.kind}): ${lab.title}; ${lab.goals.length} goals on ${lab.scenarios.length} machines`))
  let ok = true
  if (checked.names.length) {
    ok = false
    out(style.red('names its goals use that no boot of the lab knows:'))
    for (const line of formatLabErrors(checked.names).split('\n')) out(`  ${terminalSafe(line)}`)
  } else out(`${style.green('ok')}    the names its goals use (WARN sites, callers, steps, breakpoints)`)
  const fail = (line: string) => {
    ok = false
    out(style.red(`FAIL  ${line}`))
  }
  // A file that does not compile, or stops with a policy error, grades as failing every goal: said as such.
  const stopped = (file: string, problem: PolicyGrade['problem']) => problem && fail(terminalSafe(`${file}: does not run: ${problem.file}:${problem.line}:${problem.column}: ${problem.message}`))
  if (checked.solution.problem) stopped('solution.c', checked.solution.problem)
  else if (solution.passed) {
    // Passing the goals, its verdict must be the one the lab expects (what a learner who passes sees).
    const unexpected = solution.boots.map((b) => ({ b, said: reportedExpectation(lab, b.status, solution) })).filter(({ said }) => said && !said.expected)
    if (unexpected.length) fail(terminalSafe(`solution.c: ${unexpected[0].said!.text} (on ${unexpected.map(({ b }) => b.scenario).join(', ')}); fix expectedVerdict or the solution`))
    else out(`${style.green('ok')}    solution.c: ${count(solution)}`)
  } else {
    fail(`solution.c: ${count(solution)}; the reference solution must pass every goal:`)
    failing(solution, out)
  }
  if (checked.start.problem) stopped('start.c', checked.start.problem)
  else if (lab.kind === 'explore') {
    if (start.passed) out(`${style.green('ok')}    start.c: ${count(start)} (explore: the goals are facts to find)`)
    else {
      fail(`start.c: ${count(start)}; an explore lab's starting policy must pass every goal (they are facts to find):`)
      failing(start, out)
    }
  } else if (!start.passed) out(`${style.green('ok')}    start.c: ${count(start)} (a fix lab's start fails a goal)`)
  else fail(`start.c: ${count(start)}; a fix lab's starting policy must fail a goal`)
  return ok ? 0 : 1
}
