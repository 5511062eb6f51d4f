/*
 * Messages between the workbench and the boot worker. A request carries whole
 * texts (a policy is a few KB) so the worker holds no state the page must
 * keep in sync; it only caches the compiled base kernel by its text.
 */
import type { BootResult, Diagnostic, ScenarioError } from '../../core'
import type { TextFile } from '../../shared/bootlab-api'

export interface BootInput {
  /** The base kernel (resources/policies/unpatched.c). */
  base: TextFile
  /** The policy being edited (it may be the base kernel itself). */
  policy: TextFile
  /** The bundled kernel states, which a policy may build on (`Builds on: patched-v2`). */
  kernelStates: TextFile[]
  scenario: TextFile
}

export interface BootRequest extends BootInput {
  id: number
}

export type BootOutcome =
  /** `diagnostics` are the compile diagnostics of the policy linked over the base (KernelPolicy.diagnostics). */
  | { kind: 'booted'; diagnostics: Diagnostic[]; result: BootResult }
  | { kind: 'scenario-invalid'; diagnostics: Diagnostic[]; problems: ScenarioError[] }
  /** The core itself threw: a bug in BootLab, not in the learner's policy. */
  | { kind: 'crashed'; message: string }

export type BootResponse = BootOutcome & { id: number }
