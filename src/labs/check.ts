/*
 * What a lab's manifest names that no boot of the lab meets: a WARN site, a caller, a boot step or
 * a breakpoint's function spelt wrong, or a breakpoint expression that does not compile. The
 * schema cannot see these (they are names, not shapes), and a misspelt `warn` goal with
 * `present: false` passes for every policy. Found by comparing the names with what the lab's own
 * boots of start.c and solution.c know: the linked programs' functions, the kernel's natives,
 * every frame, step and caller those boots saw. Each problem names the manifest field, with the
 * nearest known name.
 */
import { closestName, type KernelPolicy, NATIVE_SIGNATURES, readYamlText } from '../core'
import type { LabGrade, LabRun } from './grade'
import { reportedExpectation } from './completion'
import { gradePolicy, type LabCompiler, type PolicyGrade } from './grade-policy'
import type { Lab, LabError } from './lab'

/** One policy of the lab (its start.c, its solution.c) and its boots on every machine of the lab. */
export interface CheckedPolicy {
  policy: KernelPolicy
  runs: LabRun[]
}

const suggestion = (name: string, known: Iterable<string>) => {
  const near = closestName(name, known)
  return near ? `; did you mean '${near}'?` : ''
}

export function labNameProblems(lab: Lab, checked: CheckedPolicy[]): LabError[] {
  const functions = new Set<string>(NATIVE_SIGNATURES.functions.keys())
  const policyFunctions = new Set<string>()
  const steps = new Set<string>()
  const callers = new Set<string>()
  for (const { policy, runs } of checked) {
    for (const f of policy.program?.functions ?? []) policyFunctions.add(f.name)
    for (const { result } of runs) {
      for (const s of result.steps) steps.add(s.fn)
      for (const c of result.calls) callers.add(c.caller)
      for (const splat of result.splats) for (const f of [splat.site, ...splat.frames, ...splat.trace]) functions.add(f.fn)
    }
  }
  for (const f of policyFunctions) functions.add(f)
  const problems: LabError[] = []
  const manifest = readYamlText(lab.manifestText)
  const problem = (i: number, field: string, message: string) => {
    const line = manifest.positionOf(field ? ['goals', i, field] : ['goals', i])?.line
    problems.push({ file: `${lab.id}/${lab.manifest}`, path: field ? `goals.${i}.${field}` : `goals.${i}`, message, ...(line && { line }) })
  }
  lab.goals.forEach((g, i) => {
    if (g.type === 'warn' && !functions.has(g.site)) problem(i, 'site', `no function '${g.site}' in this lab's kernel or policies, so no WARN can fire there${suggestion(g.site, functions)}`)
    if (g.type === 'reached' && !steps.has(g.step) && !policyFunctions.has(g.step)) problem(i, 'step', `no boot step '${g.step}' in the boots of start.c and solution.c${suggestion(g.step, steps)}`)
    if ((g.type === 'caller' || g.type === 'shared-range') && g.caller !== undefined && ![...callers].some((c) => c.startsWith(g.caller!)))
      problem(i, 'caller', `no caller named '${g.caller}…' ran in the boots of start.c and solution.c${suggestion(g.caller, callers)}`)
    if (g.type === 'breakpoint') {
      if (!policyFunctions.has(g.function)) problem(i, 'function', `no policy function '${g.function}' in start.c, solution.c or the kernel they build on${suggestion(g.function, policyFunctions)}`)
      else {
        const set = checked.flatMap((c) => c.runs).map((r) => r.breakpoints?.get(g.name)?.problem).find((p) => p !== undefined)
        if (set) problem(i, '', `the breakpoint cannot be set: ${set}`)
      }
    }
  })
  return problems
}

/** A lab as its author checks it: its start.c and solution.c graded, and the names its goals use. */
export interface LabCheck {
  start: PolicyGrade
  solution: PolicyGrade
  names: LabError[]
}

export function checkLab(lab: Lab, compiler: LabCompiler): LabCheck {
  const start = gradePolicy(lab, lab.start, compiler)
  const solution = gradePolicy(lab, lab.solution, compiler)
  return { start, solution, names: labNameProblems(lab, [start, solution]) }
}

/** What the checks say of one of the lab's two files: it holds (and how), or why it does not, with the goals that failed when those are why. */
export interface FileFinding {
  file: 'solution.c' | 'start.c'
  ok: boolean
  says: string
  failing?: LabGrade
}

const goalCount = (g: LabGrade) => `${g.goals.filter((x) => x.passed).length}/${g.goals.length} goals pass`

/**
 * The rules a lab's two files are held to (`bootlab check`, `npm run lab:check`): both compile and
 * run; the solution passes every goal with the verdict the lab expects; a fix lab's start fails a
 * goal, an explore lab's passes them all (they are facts to find).
 */
export function fileFindings(lab: Lab, checked: LabCheck): [FileFinding, FileFinding] {
  const stopped = (file: FileFinding['file'], p: NonNullable<PolicyGrade['problem']>): FileFinding => ({ file, ok: false, says: `does not run: ${p.file}:${p.line}:${p.column}: ${p.message}` })
  const [solution, start] = [checked.solution.grade, checked.start.grade]
  let sol: FileFinding
  if (checked.solution.problem) sol = stopped('solution.c', checked.solution.problem)
  else if (!solution.passed) sol = { file: 'solution.c', ok: false, says: `${goalCount(solution)}; the reference solution must pass every goal:`, failing: solution }
  else {
    // Passing the goals, its verdict must be the one the lab expects (what a learner who passes sees).
    const unexpected = solution.boots.map((b) => ({ b, said: reportedExpectation(lab, b.status, solution) })).filter(({ said }) => said && !said.expected)
    sol = unexpected.length
      ? { file: 'solution.c', ok: false, says: `${unexpected[0].said!.text} (on ${unexpected.map(({ b }) => b.scenario).join(', ')}); fix expectedVerdict or the solution` }
      : { file: 'solution.c', ok: true, says: goalCount(solution) }
  }
  let sta: FileFinding
  if (checked.start.problem) sta = stopped('start.c', checked.start.problem)
  else if (lab.kind === 'explore') {
    sta = start.passed
      ? { file: 'start.c', ok: true, says: `${goalCount(start)} (explore: the goals are facts to find)` }
      : { file: 'start.c', ok: false, says: `${goalCount(start)}; an explore lab's starting policy must pass every goal (they are facts to find):`, failing: start }
  } else {
    sta = start.passed ? { file: 'start.c', ok: false, says: `${goalCount(start)}; a fix lab's starting policy must fail a goal` } : { file: 'start.c', ok: true, says: `${goalCount(start)} (a fix lab's start fails a goal)` }
  }
  return [sol, sta]
}
