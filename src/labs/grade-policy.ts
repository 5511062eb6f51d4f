/*
 * The one grading sequence every host runs: compile the learner's policy over
 * the lab's kernel states, compile the lab's compareWith state when a goal is
 * relative to it, boot both on every machine of the lab (with the debug run
 * breakpoint goals need), check the goals, and name the policy's first located
 * problem. The app's worker, `bootlab boot --lab` (one policy, `bootlab watch`)
 * and the class grader's worker threads all call gradePolicy; they differ only
 * in how they compile (the host owns the C parser and its caches).
 */
import type { Diagnostic, KernelPolicy, PolicyLookup, PolicySource } from '../core'
import { bootLab, gradeRuns, type LabGrade, type LabPolicies, type LabRun, needsCompareWith } from './grade'
import { type Lab, labPolicyLookup } from './lab'

/** How a host compiles: a policy text over the kernel state it builds on, and the C grammar for breakpoint goals. */
export interface LabCompiler {
  compile(source: PolicySource, lookup: PolicyLookup): KernelPolicy
  parser: NonNullable<LabPolicies['parser']>
}

export interface PolicyGrade {
  /** The learner's policy, compiled; its diagnostics are the editor's markers and the terminal's errors. */
  policy: KernelPolicy
  grade: LabGrade
  /** The first error of the policy: a compile error, else what stopped a boot (a step budget, a bad call). */
  problem?: Diagnostic
  /** True when the policy has no compile error. */
  compiles: boolean
  /** The boots the grade was made from, one per machine of the lab. */
  runs: LabRun[]
}

/** The lab's compareWith state compiled, or undefined when no goal needs it; a host grading many policies keeps it. */
export function compileCompareWith(lab: Lab, compiler: LabCompiler): KernelPolicy | undefined {
  return lab.compareWith && needsCompareWith(lab) ? compiler.compile(lab.compareWith, labPolicyLookup(lab)) : undefined
}

/** Compiles `source` for the lab and grades it; `compareWith` is the lab's state already compiled, if the host kept it. */
export function gradePolicy(lab: Lab, source: PolicySource, compiler: LabCompiler, compareWith = compileCompareWith(lab, compiler)): PolicyGrade {
  const policy = compiler.compile(source, labPolicyLookup(lab))
  const runs = bootLab(lab, { policy, compareWith, parser: compiler.parser })
  const compileError = policy.diagnostics.find((d) => d.severity === 'error')
  const runError = runs.flatMap((r) => r.result.diagnostics).find((d) => d.severity === 'error')
  return { policy, grade: gradeRuns(lab, runs), problem: compileError ?? runError, compiles: !compileError, runs }
}
