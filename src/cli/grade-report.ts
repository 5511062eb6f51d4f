/*
 * The command line's view of a lab grade: one line per goal, and under each
 * failed goal why it matters and the evidence, the way a course's grade script
 * prints its checks.
 */
import type { Lab, LabGrade } from '../labs'

export function printGrade(lab: Lab, grade: LabGrade, out: (s: string) => void): void {
  out(`== lab ${lab.id} (${lab.kind}): ${lab.title}`)
  out(`   policy ${grade.policyName}, ${grade.boots.length} scenario${grade.boots.length === 1 ? '' : 's'}: ${grade.boots.map((b) => `${b.scenario} (${b.status})`).join(', ')}`)
  for (const g of grade.goals) {
    out(`${g.passed ? 'PASS' : 'FAIL'}  [${g.weight}] ${g.name}`)
    if (g.passed) continue
    out(`      why: ${g.message}`)
    for (const e of g.evidence) out(`      - ${e}`)
  }
  const passed = grade.goals.filter((g) => g.passed).length
  out(grade.passed ? `ALL GOALS PASSED (score ${grade.score}/${grade.total})` : `${passed}/${grade.goals.length} GOALS PASSED (score ${grade.score}/${grade.total})`)
}
