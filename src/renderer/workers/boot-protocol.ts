/*
 * Messages between the workbench and the boot worker. A request carries whole
 * texts (a policy is a few KB) so the worker holds no state the page must
 * keep in sync; it only caches the compiled base kernel by its text.
 */
import type { BootResult } from '../../core/boot/result'
import type { Diagnostic } from '../../core/policy/value'
import type { TextFile } from '../../shared/bootlab-api'

export interface BootInput {
  /** The base kernel (resources/policies/unpatched.c). */
  base: TextFile
  /** The policy being edited; when it is the base itself it is compiled on its own. */
  policy: TextFile
  scenario: TextFile
}

export interface BootRequest extends BootInput {
  id: number
}

export interface ScenarioProblem {
  path: string
  message: string
}

export type BootOutcome =
  /** `diagnostics` are the policy's own compile diagnostics (CompiledPolicy.diagnostics). */
  | { kind: 'booted'; diagnostics: Diagnostic[]; result: BootResult }
  | { kind: 'scenario-invalid'; diagnostics: Diagnostic[]; problems: ScenarioProblem[] }
  /** The core itself threw: a bug in BootLab, not in the learner's policy. */
  | { kind: 'crashed'; message: string }

export type BootResponse = BootOutcome & { id: number }
