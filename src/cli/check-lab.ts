/*
 * `bootlab check <lab folder | lab id>`: what an instructor runs on a lab being written, as `npm
 * run lab:check` does for the bundled course. The folder loads (each problem with its file, line
 * and field), the names its goals use are ones its boots know (src/labs/check.ts: a misspelt WARN
 * site would make a goal pass for every policy), start.c and solution.c compile and run, the
 * reference solution passes every goal with the verdict the lab expects, a fix lab's starting
 * policy fails a goal and an explore lab's passes them all. Exit 0 when all hold, 1 when a check
 * fails, 3 when the lab does not load.
 */
import { checkLab, evidenceLines, fileFindings, formatLabErrors, type Lab, type LabGrade } from '../labs'
import { loadLabCompiler } from '../node/kernel-policy'
import { BadInput, EXIT, loadLabArg } from './bootlab'
import type { Style } from './style'
import { terminalSafe } from './terminal-text'

type Out = (s: string) => void

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
  out(terminalSafe(`== lab ${lab.id} (${lab.kind}): ${lab.title}; ${lab.goals.length} goals on ${lab.scenarios.length} machines`))
  let ok = true
  if (checked.names.length) {
    ok = false
    out(style.red('names its goals use that no boot of the lab knows:'))
    for (const line of formatLabErrors(checked.names).split('\n')) out(`  ${terminalSafe(line)}`)
  } else out(`${style.green('ok')}    the names its goals use (WARN sites, callers, steps, breakpoints)`)
  for (const f of fileFindings(lab, checked)) {
    if (f.ok) out(`${style.green('ok')}    ${f.file}: ${f.says}`)
    else {
      ok = false
      out(style.red(terminalSafe(`FAIL  ${f.file}: ${f.says}`)))
      if (f.failing) failing(f.failing, out)
    }
  }
  return ok ? 0 : 1
}
