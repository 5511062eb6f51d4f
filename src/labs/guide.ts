/*
 * Which lab to point a learner at when a boot outside any lab goes red. Derived from the labs'
 * own goals, never from their ids: a fix lab "fixes" this boot when one of its goals that
 * demands something absent (a fault kind, a WARN site) fails on this very boot, and an explore
 * lab "explains" it when one of its goals that demands something present passes on it. The
 * first of each in course order, among the labs whose machines include this boot's machine.
 * None of either is an honest answer: the banner then offers no link.
 */
import type { BootResult } from '../core'
import { checkGoal } from './goals'
import type { Lab } from './lab'
import type { Goal } from './schema'

export interface LabGuide {
  explore: Lab | null
  fix: Lab | null
}

type Evidence = Extract<Goal, { type: 'fault' | 'warn' }>
const isEvidence = (g: Goal): g is Evidence => g.type === 'fault' || g.type === 'warn'

/** Goals about what a boot shows (faults, WARNs) that apply to `machine` (a scenario name or family). */
function evidenceGoals(lab: Lab, machine: string): Evidence[] {
  const family = lab.scenarios.find((s) => s.name === machine || s.family === machine)?.family
  return lab.goals.filter(isEvidence).filter((g) => !g.scenarios || g.scenarios.includes(machine) || (family !== undefined && g.scenarios.includes(family)))
}

export function guideFor(result: BootResult, labs: readonly Lab[]): LabGuide {
  const machine = result.scenarioName
  const onMachine = labs.filter((l) => l.scenarios.some((s) => s.name === machine || s.family === machine)).sort((a, b) => a.order - b.order)
  const shows = (lab: Lab, present: boolean) => evidenceGoals(lab, machine).some((g) => g.present === present && checkGoal(g, result).passed === present)
  return {
    explore: onMachine.find((l) => l.kind === 'explore' && shows(l, true)) ?? null,
    fix: onMachine.find((l) => l.kind === 'fix' && shows(l, false)) ?? null,
  }
}
