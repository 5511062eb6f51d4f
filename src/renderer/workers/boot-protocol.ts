/*
 * Messages between the workbench and the boot worker. A request carries whole
 * texts (a policy is a few KB) so the worker holds no state the page must
 * keep in sync; it only caches the compiled base kernel by its text.
 * Three jobs: boot one policy on one machine, grade a policy against every
 * machine of a lab, or boot two sides and compare them (grading and comparing
 * run in their own worker instances, so typing never waits behind them).
 */
import type { BootResult, Diagnostic, ScenarioError } from '../../core'
import type { Lab, LabGrade } from '../../labs'
import type { CompareSummary } from '../../report/report'
import type { TextFile } from '../../shared/bootlab-api'

export interface BootInput {
  /** The base kernel (resources/policies/unpatched.c). */
  base: TextFile
  /** The policy being edited (it may be the base kernel itself). */
  policy: TextFile
  /** The kernel states a policy may build on (`Builds on: patched-v2`): the bundled ones, and a lab's own. */
  kernelStates: TextFile[]
  scenario: TextFile
}

/** What the core threw: a bug in BootLab, not in the learner's policy. */
export interface Crashed {
  kind: 'crashed'
  message: string
  /** Set when the boot client stopped a worker that ran past its time limit (BootClient): not a bug, a runaway. */
  limit?: 'time'
}

export type BootOutcome =
  /** `diagnostics` are the compile diagnostics of the policy linked over the base (KernelPolicy.diagnostics). */
  | { kind: 'booted'; diagnostics: Diagnostic[]; result: BootResult }
  | { kind: 'scenario-invalid'; diagnostics: Diagnostic[]; problems: ScenarioError[] }
  | Crashed

export interface GradeInput {
  base: TextFile
  policy: TextFile
  lab: Lab
}

/**
 * `compiles` is false when the policy has a compile error, `problem` the first located error of
 * the policy (compile or run time, on any of the lab's machines): the grade of a text that does not
 * run says nothing about the learner's fix.
 */
export type GradeOutcome = { kind: 'graded'; grade: LabGrade; compiles: boolean; problem?: string } | Crashed

export interface CompareInput {
  left: BootInput
  right: BootInput
}

/** `summary` is null unless both sides booted. */
export type CompareOutcome = { kind: 'compared'; left: BootOutcome; right: BootOutcome; summary: CompareSummary | null } | Crashed

export type WorkerInput = BootInput | GradeInput | CompareInput
export type WorkerOutcome = BootOutcome | GradeOutcome | CompareOutcome

export type BootRequest = BootInput & { id: number }
export type BootResponse = BootOutcome & { id: number }
export type WorkerRequest = WorkerInput & { id: number }
export type WorkerResponse = WorkerOutcome & { id: number }
