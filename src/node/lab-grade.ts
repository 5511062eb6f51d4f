/*
 * Grading on Node: compile a policy (and the lab's compareWith state when a goal
 * needs it) over the lab's kernel states, then grade it with src/labs.
 */
import type { PolicySource } from '../core'
import { gradeLab, type Lab, type LabGrade, labPolicyLookup, needsCompareWith } from '../labs'
import { loadCParser } from './c-parser'
import { loadKernelPolicy } from './kernel-policy'

export async function gradePolicy(lab: Lab, source: PolicySource): Promise<LabGrade> {
  const lookup = labPolicyLookup(lab)
  const policy = await loadKernelPolicy(source, lookup)
  const compareWith = lab.compareWith && needsCompareWith(lab) ? await loadKernelPolicy(lab.compareWith, lookup) : undefined
  return gradeLab(lab, { policy, compareWith, parser: await loadCParser() })
}
