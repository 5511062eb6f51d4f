/*
 * The command line's view of a lab grade: one line per goal, and under each
 * failed goal why it matters and the evidence, the way a course's grade script
 * prints its checks. Evidence that holds on several machines (the grader
 * writes each check as "<detail> in boot of <scenario>") is printed once with
 * the machines it holds on.
 */
import type { Lab, LabGrade } from '../labs'
import { PLAIN, type Style } from './style'
import { terminalSafe } from './terminal-text'

const IN_BOOT_OF = / in boot of (\S+)$/

/** Each distinct detail once, in first-seen order, with the scenarios it was seen in. */
export function groupEvidence(evidence: string[]): { detail: string; scenarios: string[] }[] {
  const groups = new Map<string, string[]>()
  for (const e of evidence) {
    const m = IN_BOOT_OF.exec(e)
    const detail = m ? e.slice(0, m.index) : e
    const scenarios = groups.get(detail) ?? []
    if (m) scenarios.push(m[1])
    groups.set(detail, scenarios)
  }
  return [...groups].map(([detail, scenarios]) => ({ detail, scenarios }))
}

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
      if (scenarios.length) out(style.dim(safe(`        on ${scenarios.length === 1 ? scenarios[0] : `${scenarios.length} machines: ${scenarios.join(', ')}`}`)))
    }
  }
  const passed = grade.goals.filter((g) => g.passed).length
  out(
    grade.passed
      ? style.green(`ALL GOALS PASSED (score ${grade.score}/${grade.total})`)
      : style.red(`${passed}/${grade.goals.length} GOALS PASSED (score ${grade.score}/${grade.total})`),
  )
}
