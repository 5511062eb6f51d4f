/*
 * A native kernel function as the modules define it: the NativeFunction contract
 * of policy/value.ts plus the Kernel it acts on. `bindNatives` (natives.ts)
 * closes each row over one boot's Kernel.
 */
import { type CValue, type Diagnostic, type NativeContext, PolicyError } from '../policy/value'
import type { Kernel } from './kernel'

export interface NativeRow {
  name: string
  arity: number | { min: number }
  /**
   * What each argument must be, one letter each: i integer, h handle (`pmd_t *`,
   * `&lock`), s string literal, a anything. Default: every argument an integer;
   * arguments past the list (variadic) are anything.
   */
  params?: string
  file: string
  doc: string
  unverified?: boolean
  impl(k: Kernel, ctx: NativeContext, args: CValue[]): CValue | void
}

/** Coerce a policy value to a JS number (addresses, sizes); handles and strings are 0. */
export function num(v: CValue | undefined): number {
  return typeof v === 'bigint' ? Number(v) : 0
}

export function truth(v: CValue | undefined): boolean {
  return typeof v === 'bigint' ? v !== 0n : v !== undefined
}

export const bool = (b: boolean): bigint => (b ? 1n : 0n)

/** An error located at the policy's call of native `fn`: what the learner must change is that line. */
export function callSiteError(ctx: NativeContext, fn: string, message: string, code: Diagnostic['code'] = 'runtime'): PolicyError {
  const pos = ctx.callSite() ?? { file: 'policy', line: 1, column: 1 }
  return new PolicyError({ severity: 'error', code, message, file: pos.file, line: pos.line, column: pos.column, endLine: pos.line, endColumn: pos.column + fn.length })
}
