/*
 * Grades in the formats instructors' systems read:
 *
 * - Gradescope's autograder results.json (https://gradescope-autograders.readthedocs.io,
 *   "Autograder Specifications"): score, max_score, output, visibility, and
 *   tests[] with name, score, max_score, status, output, visibility; one goal
 *   is one test, its weight the test's max_score.
 * - JUnit XML as CI systems (Jenkins, GitLab, GitHub test reporters) read it:
 *   <testsuites> of one <testsuite> per submission, one <testcase> per goal
 *   with its weight as a property; a failed goal has a <failure> holding the
 *   evidence; a submission that could not be graded has an <error> per goal.
 */
import { evidenceLines, groupEvidence, type Lab } from '../labs'
import type { GoalOutcome, SubmissionResult } from './grade-worker'

export type GradeFormat = 'human' | 'json' | 'junit' | 'gradescope'
export const GRADE_FORMATS: readonly GradeFormat[] = ['human', 'json', 'junit', 'gradescope']

type Visibility = 'visible' | 'hidden' | 'after_due_date' | 'after_published'

export interface GradescopeTest {
  name: string
  score: number
  max_score: number
  status: 'passed' | 'failed'
  output: string
  visibility: Visibility
}

export interface GradescopeResults {
  score: number
  max_score: number
  output: string
  visibility: Visibility
  /** Gradescope keeps it with the results and shows it nowhere: the submission's file, as the other formats name it. */
  extra_data: { file: string }
  tests: GradescopeTest[]
}

/** The goals of a result; a submission that was not graded fails every goal of the lab with its error. */
function goalsOf(r: SubmissionResult, lab: Lab): GoalOutcome[] {
  if (r.goals?.length) return r.goals
  const why = r.error ? `${r.file} ${r.error.message}` : 'not graded'
  return lab.goals.map((g) => ({ name: g.name, weight: g.weight, passed: false, message: g.message, evidence: [why] }))
}

/** A failed goal's text: why it matters, then each piece of evidence once with the machines it holds on. */
export function goalReport(goal: GoalOutcome): string {
  if (goal.passed) return ''
  const lines = [goal.message]
  for (const line of evidenceLines(goal.evidence)) lines.push(`- ${line}`)
  return lines.join('\n')
}

function summaryLine(r: SubmissionResult, lab: Lab): string {
  const head = `${r.file}: lab ${lab.id}, ${r.score}/${r.total}`
  if (r.error) return `${head}; ${r.error.message}`
  return r.problem ? `${head}; policy error at ${r.problem}` : head
}

export function toGradescope(r: SubmissionResult, lab: Lab): GradescopeResults {
  const tests = goalsOf(r, lab).map(
    (g): GradescopeTest => ({ name: g.name, score: g.passed ? g.weight : 0, max_score: g.weight, status: g.passed ? 'passed' : 'failed', output: goalReport(g), visibility: 'visible' }),
  )
  // The file in Gradescope's own field for extra data: a class's lines are told apart without parsing `output`.
  return { score: r.score, max_score: r.total, output: summaryLine(r, lab), visibility: 'visible', extra_data: { file: r.file }, tests }
}

// XML 1.0 forbids most C0 controls even as character references: they are shown as \xNN instead.
const xmlText = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
// In an attribute a parser turns a raw tab or line end into a space (XML 1.0 §3.3.3): a file named
// "new⏎line.c" read back as "new line.c". As character references they survive.
const xmlAttr = (s: string) => xmlText(s).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * A testcase's classname, `<lab>.<file>` with no other dot: CI reports (Jenkins, GitLab) split it
 * at its last dot into package and class, so `lab.alice.c` read as class `c` of `lab.alice`.
 */
export const junitClass = (labId: string, file: string): string => `${labId.replace(/\./g, '_')}.${file.replace(/\./g, '_')}`

/** One JUnit XML document for the graded submissions. */
export function toJUnit(results: SubmissionResult[], lab: Lab, seconds: number): string {
  let tests = 0
  let failures = 0
  let errors = 0
  const suites = results.map((r) => {
    const goals = goalsOf(r, lab)
    const suiteFailures = r.status === 'error' ? 0 : goals.filter((g) => !g.passed).length
    const suiteErrors = r.status === 'error' ? goals.length : 0
    tests += goals.length
    failures += suiteFailures
    errors += suiteErrors
    const cases = goals.map((g) => {
      const open = `    <testcase classname="${xmlAttr(junitClass(lab.id, r.file))}" name="${xmlAttr(g.name)}" time="0">\n      <properties><property name="weight" value="${g.weight}"/></properties>`
      if (r.status === 'error') return `${open}\n      <error message="${xmlAttr(r.error!.message)}" type="${xmlAttr(r.error!.kind)}">${xmlText(r.error!.message)}</error>\n    </testcase>`
      if (g.passed) return `${open}\n    </testcase>`
      const report = goalReport(g)
      // CI pages often show only the message: the submission's own evidence, not the goal's why (the same for every student).
      const evidence = groupEvidence(g.evidence)[0]
      return `${open}\n      <failure message="${xmlAttr(evidence ? evidence.detail : g.message)}" type="goal failed">${xmlText(report)}</failure>\n    </testcase>`
    })
    const props = `    <properties><property name="score" value="${r.score}"/><property name="max_score" value="${r.total}"/></properties>`
    return `  <testsuite name="${xmlAttr(r.file)}" tests="${goals.length}" failures="${suiteFailures}" errors="${suiteErrors}" skipped="0" time="${r.seconds.toFixed(3)}">\n${props}\n${cases.join('\n')}\n  </testsuite>`
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(`bootlab lab ${lab.id}`)}" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds.toFixed(3)}">`,
    ...suites,
    '</testsuites>',
  ].join('\n')
}
