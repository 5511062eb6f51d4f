/*
 * A loaded lab: the manifest's settings with every reference resolved (texts,
 * machines, kernel states). Plain data, so the app can hand it to a worker.
 */
import type { BootResult, PolicyLookup, PolicySource, Scenario } from '../core'
import type { Goal, LabManifest, Question } from './schema'

/** The names a lab's manifest may have (exactly one of them per lab folder). */
export const MANIFEST_NAMES = ['lab.yaml', 'lab.yml', 'lab.json']

/** A problem in a lab folder: the file (`<lab id>/<path>`), the field path in it, and what is wrong. */
export interface LabError {
  file: string
  /** Dotted field path, e.g. `goals.2.type`; empty when the problem is the file itself. */
  path: string
  message: string
  line?: number
  /** Where a scenario file's problem is on its line (manifest problems name the line alone). */
  column?: number
}

export interface LabScenario {
  /** The scenario's own `name`. */
  name: string
  origin: 'bundled' | 'lab' | 'variant'
  /** The scenario a variant was generated from; for the others, the scenario itself. Goal filters match it. */
  family: string
  scenario: Scenario
}

export interface Lab {
  id: string
  /** The manifest's file name in the folder: lab.yaml, lab.yml or lab.json (problems found later name it). */
  manifest: string
  /** Its text, so a problem found later (a goal's name no boot knows) is located at its line. */
  manifestText: string
  title: string
  order: number
  kind: LabManifest['kind']
  summary: string
  /** README.md: the concept, the task, the questions. */
  readme: string
  start: PolicySource
  solution: PolicySource
  compareWith?: PolicySource
  /** Listed scenarios first, then the seeded variants: the machines every goal is graded on. */
  scenarios: LabScenario[]
  /** The lab folder's other machines (scenarios/ files the manifest does not list): offered, not graded. */
  otherScenarios: LabScenario[]
  hints: string[]
  goals: Goal[]
  questions: Question[]
  revealAnswers: boolean
  /** The verdict the solution comes to when it is not `booted`, with why (manifest `expectedVerdict`). */
  expectedVerdict?: { status: BootResult['verdict']['status'][]; note: string }
  /** Whether the learner may edit the lab's machines in the scenario panel. */
  machine: LabManifest['machine']
  /** What `Builds on:` may name: the lab's own top-level .c files and the bundled kernel states. */
  kernelStates: PolicySource[]
}

export interface LabLoad {
  lab?: Lab
  errors: LabError[]
}

/** Resolves `Builds on: <name>` for policies of this lab. */
export function labPolicyLookup(lab: Lab): PolicyLookup {
  return (name) => lab.kernelStates.find((p) => p.name === name)
}

export function formatLabErrors(errors: LabError[]): string {
  return errors.map((e) => `${e.file}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n')
}
