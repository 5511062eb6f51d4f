/*
 * The lab manifest (lab.yaml or lab.json): what a lab is made of, validated with
 * zod so that every mistake comes back naming the field. Objects are strict: a
 * misspelt key is an error, not a silently ignored setting. Goal types use the
 * words of the BootResult they are checked against (boot-vocabulary.ts,
 * counters.ts). Cross-references (files, scenario names) are checked by load.ts.
 */
import { z } from 'zod'
import { CPU_MODELS } from '../core'
import { STORAGE_KEY_PATTERN } from '../shared/bootlab-api'
import { CALL_OUTCOMES, FAULT_KINDS, LEAF_KINDS, VERDICT_STATUSES, WINDOW_IDS } from './boot-vocabulary'
import { COMPARISONS, COUNTER_NAMES, counterValueProblem } from './counters'

/** A value or a non-empty list of them, always read as a list. */
/** One value or a list of them; for a set of names, a wrong one lists the names (a bare union said only "Invalid input"). */
const oneOrMany = <T extends z.ZodType>(item: T) => {
  const options = item instanceof z.ZodEnum ? (item.options as string[]) : null
  const error = options ? `Invalid option: expected one of ${options.map((o) => JSON.stringify(o)).join('|')}, or a list of them` : undefined
  return z.union([item, z.array(item).min(1)], error ? { error } : undefined).transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]))
}

const SIZE_UNITS: Record<string, number> = { M: 2 ** 20, G: 2 ** 30 }
const SZ_2M = 2 ** 21

/**
 * The lab schemas, built on first use: a zod schema costs milliseconds to construct in a cold
 * process, and a command that never reads a lab (`bootlab boot --scenario`) should not pay them.
 */
function buildLabSchemas() {
  /** `512M`, `4G` or a byte count; RAM in variants comes in whole 2 MiB blocks. */
  const ramSize = z.union([z.number(), z.string()]).transform((v, ctx) => {
    const m = /^\s*(\d+)\s*([MG])i?B?\s*$/i.exec(String(v))
    const bytes = typeof v === 'number' ? v : m ? Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()] : NaN
    if (Number.isSafeInteger(bytes) && bytes > 0 && bytes % SZ_2M === 0) return bytes
    ctx.addIssue({ code: 'custom', message: `'${v}' is not a RAM size in whole 2 MiB blocks (use e.g. 512M, 3G)` })
    return z.NEVER
  })

  const cpuChoice = z.strictObject({
    model: z.enum(CPU_MODELS.map((m) => m.id) as [string, ...string[]]),
    revision: z.string().regex(/^r\d+p\d+$/, 'must look like r0p2'),
  })

  /** Seeded random machines derived from one scenario, so a fix fitted to one machine fails. */
  const variantsSchema = z
    .strictObject({
      /** The scenario the machines start from (a bundled name or a file of the lab); what is not varied is kept. */
      base: z.string().min(1),
      seed: z.number().int().min(0).max(2 ** 32 - 1),
      count: z.number().int().min(1).max(16),
      /** Total RAM, one picked per machine. */
      ram: z.array(ramSize).min(1).optional(),
      /** How many RAM banks the total is split into (with holes between them), one picked per machine. */
      banks: z.array(z.number().int().min(1).max(4)).min(1).default([1]),
      cpus: z
        .strictObject({
          count: z
            .strictObject({ min: z.number().int().min(1).max(256), max: z.number().int().min(1).max(256) })
            .refine((c) => c.min <= c.max, { message: 'min must not exceed max', path: ['min'] }),
          /** Choices for CPU 0. */
          boot: z.array(cpuChoice).min(1),
          /** Choices for every other CPU, picked one by one. */
          secondary: z.array(cpuChoice).min(1),
        })
        .optional(),
    })
    .refine((v) => v.ram !== undefined || v.cpus !== undefined, { message: 'vary at least one of ram or cpus', path: ['ram'] })

  /** Prose fields: YAML's folded `>` blocks end in a newline that is not part of the text. */
  const prose = () => z.string().trim().min(1)

  const goalCommon = {
    /** Shown as the check's title; unique within the lab. */
    name: prose(),
    weight: z.number().int().min(1).max(100).default(1),
    /** Why the goal matters, shown with its result. */
    message: prose(),
    /** Only these scenarios (by name; a variant counts as its base). Default: every scenario of the lab. */
    scenarios: z.array(z.string().min(1)).min(1).optional(),
  }

  const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a kernel function name')

  const verdictGoal = z.strictObject({ ...goalCommon, type: z.literal('verdict'), status: oneOrMany(z.enum(VERDICT_STATUSES)) })

  const warnGoal = z.strictObject({ ...goalCommon, type: z.literal('warn'), site: identifier, present: z.boolean() })

  const callerGoal = z
    .strictObject({
      ...goalCommon,
      type: z.literal('caller'),
      /** Every caller whose name starts with this (e.g. `GIC ITS`); at least one must have run. */
      caller: z.string().min(1),
      outcome: oneOrMany(z.enum(CALL_OUTCOMES)).optional(),
      window: oneOrMany(z.enum(WINDOW_IDS)).optional(),
      errno: z.string().regex(/^E[A-Z0-9]+$/, 'must be an errno name such as EBUSY').optional(),
    })
    .refine((g) => g.outcome || g.window || g.errno, { message: 'say what to expect: outcome, window or errno', path: ['outcome'] })

  const sharedRangeGoal = z.strictObject({
    ...goalCommon,
    type: z.literal('shared-range'),
    /** Callers whose name starts with this; omitted: every caller that shared something. */
    caller: z.string().min(1).optional(),
    /** Leaf kinds allowed over the range in the final map; omitted: any. */
    leaves: z.array(z.enum(LEAF_KINDS)).min(1).optional(),
  })

  const counterGoal = z
    .strictObject({
      ...goalCommon,
      type: z.literal('counter'),
      counter: z.enum(COUNTER_NAMES),
      op: z.enum(COMPARISONS),
      value: z.union([z.number(), z.boolean()]).optional(),
      /** Compare with the same counter in a boot of the lab's compareWith policy on the same machine. */
      relativeTo: z.literal('compareWith').optional(),
    })
    .refine((g) => (g.value === undefined) !== (g.relativeTo === undefined), { message: 'give exactly one of value or relativeTo', path: ['value'] })
    .refine((g) => typeof g.value !== 'boolean' || g.op === '==' || g.op === '!=', { message: 'a true/false counter compares only with == or !=', path: ['op'] })
    .superRefine((g, ctx) => {
      const problem = g.value === undefined ? null : counterValueProblem(g.counter, g.value)
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['value'] })
    })

  const faultGoal = z.strictObject({
    ...goalCommon,
    type: z.literal('fault'),
    /** Omitted: any broken invariant. */
    kind: z.enum(FAULT_KINDS).optional(),
    present: z.boolean(),
  })

  const reachedGoal = z.strictObject({ ...goalCommon, type: z.literal('reached'), step: identifier })

  /** A value at a breakpoint, graded from a debug run (docs/debugging.md): `expect` holds at every hit of `function`. */
  const breakpointGoal = z.strictObject({
    ...goalCommon,
    type: z.literal('breakpoint'),
    /** The policy function to stop in, at its first statement (its parameters are set there). */
    function: identifier,
    /** A C expression over its parameters and the policy's globals: only hits where it is true count. */
    when: z.string().trim().min(1).optional(),
    /** A C expression that must be true (non-zero) at every counted hit. */
    expect: z.string().trim().min(1),
    /** At least this many counted hits (default 1). */
    minHits: z.number().int().min(0).default(1),
  })

  const goalSchema = z.discriminatedUnion('type', [verdictGoal, warnGoal, callerGoal, sharedRangeGoal, counterGoal, faultGoal, reachedGoal, breakpointGoal])

  const questionSchema = z.strictObject({
    prompt: prose(),
    /** The reference answer, shown only when revealAnswers is on. */
    answer: prose().optional(),
  })

  const labManifestSchema = z.strictObject({
    /** The folder's name. */
    id: z.string().regex(STORAGE_KEY_PATTERN, 'must be a lower-case folder name such as 04-blackout-windows'),
    title: prose(),
    /** Position in the course; unique across labs. */
    order: z.number().int().min(1),
    /** explore: the goals are facts to find (the start policy passes too); fix: the start policy fails them. */
    kind: z.enum(['explore', 'fix']),
    summary: prose().max(300),
    /** Bundled scenario names (`realm`) or files of the lab (`scenarios/x.yaml`). */
    scenarios: z.array(z.string().min(1)).min(1),
    variants: variantsSchema.optional(),
    /** Revealed one at a time. */
    hints: z.array(prose()).default([]),
    goals: z.array(goalSchema).min(1),
    questions: z.array(questionSchema).default([]),
    /** Instructor switch: when false, the app hides solution.c and the reference answers. */
    revealAnswers: z.boolean().default(true),
    /** locked: the learner sees the lab's machines as shipped (the scenario panel is read-only); editable: they may try edits. */
    machine: z.enum(['locked', 'editable']).default('editable'),
    /**
     * The verdict the reference solution comes to on the lab's machines, when it is not a clean boot
     * (a fix that takes the boot one step further, to the next lab's crash), and why: the app's verdict
     * banner tells the learner this outcome is the expected one.
     */
    expectedVerdict: z.strictObject({ status: oneOrMany(z.enum(VERDICT_STATUSES)), note: prose() }).optional(),
    /** A kernel state to compare with (a bundled policy name or a .c file of the lab). */
    compareWith: z.string().min(1).optional(),
  })

  return { labManifestSchema, goalSchema, variantsSchema, cpuChoice, questionSchema }
}

type LabSchemas = ReturnType<typeof buildLabSchemas>

/** z.lazy calls the builder once, at the first parse. */
export const labManifestSchema = z.lazy(() => buildLabSchemas().labManifestSchema)

export type LabManifest = z.output<LabSchemas['labManifestSchema']>
export type Goal = z.output<LabSchemas['goalSchema']>
export type GoalType = Goal['type']
export type VariantSpec = z.output<LabSchemas['variantsSchema']>
export type CpuChoice = z.output<LabSchemas['cpuChoice']>
export type Question = z.output<LabSchemas['questionSchema']>
