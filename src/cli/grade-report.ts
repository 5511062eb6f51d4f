/*
 * The command line's view of a lab grade: one line per goal, and under each
 * failed goal why it matters and the evidence, the way a course's grade script
 * prints its checks. Evidence that holds on several machines is printed once
 * with the machines it holds on (groupEvidence, src/labs/grade.ts).
 */
import { groupEvidence, type Lab, type LabGrade, onMachines, reportedExpectation } from '../labs'
import { PLAIN, type Style } from './style'
import { terminalSafe } from './terminal-text'

export function printGrade(lab: Lab, grade: LabGrade, out: (s: string) => void, style: Style = PLAIN): void {
  const safe = terminalSafe
  out(safe(`== lab ${lab.id} (${lab.kind}): ${lab.title}`))
  out(safe(`   policy ${grade.policyName}, ${grade.boots.length} scenario${grade.boots.length === 1 ? '' : 's'}: ${grade.boots.map((b) => `${b.scenario} (${b.status})`).join(', ')}`))
  for (const g of grade.goals) {
    out(`${g.passed ? style.green('PASS') : style.red('FAIL')}  [${g.weight}] ${safe(g.name)}`)
    if (g.passed) continue
    out(`      why: ${safe(g.message)}`)
    for (const { detail, scenarios } of groupEvidence(g.evidence)) {
      out(`      - ${safe(detail)}`)
      if (scenarios.length) out(style.dim(safe(`        ${onMachines(scenarios)}`)))
    }
  }
  const passed = grade.goals.filter((g) => g.passed).length
  out(
    grade.passed
      ? style.green(`ALL GOALS PASSED (score ${grade.score}/${grade.total})`)
      : style.red(`${passed}/${grade.goals.length} GOALS PASSED (score ${grade.score}/${grade.total})`),
  )
  // The machines' verdicts above may read "failed" where the lab says the boot still crashes: say so.
  const said = new Map(grade.boots.map((b) => [b.status, reportedExpectation(lab, b.status, grade)]))
  for (const e of said.values()) if (e) out(e.expected ? style.green(safe(e.text)) : style.yellow(safe(e.text)))
}
