/*
 * boot(scenario, policy) → BootResult: one simulated arm64 boot.
 *
 * A fresh Kernel and page table per boot; the policy's program (already linked
 * over the base kernel policy) runs in an interpreter bound to this kernel's
 * natives; the whole boot is the call `start_kernel()`. A panic unwinds as
 * KernelHalt, a broken policy as PolicyError; both still yield a full result.
 */
import { Interpreter, type Limits, type NativeTable, PolicyError, type Program, type StatementHook } from '../policy'
import { type Diagnostic, KernelHalt, ReplayStop } from '../policy/value'
import type { Scenario } from '../scenario/schema'
import { physToVirt } from '../memory/addr'
import { Kernel, type KernelHooks } from '../kernel/kernel'
import { bindNatives } from './natives'
import { type BootResult, MODEL_VERSION } from '../result'
import { verdictOf } from './verdict'
import { cpuWrite } from '../mm/access'
import { checkLiveSplit, finalCounters, snapshot } from '../mm/linear-map'
import { checkRealmExposure } from '../mm/realm-checks'

/** A kernel state ready to boot: the learner's file linked over the base kernel. */
export interface KernelPolicy {
  name: string
  program: Program | null
  diagnostics: Diagnostic[]
}

export interface BootOptions {
  /** Policy statements a boot may execute before it is stopped as a runaway (default: stepBudget(scenario)). */
  maxSteps?: number
  /** A debug boot: gets the kernel before the policy is compiled and returns the statement hook. */
  debug?: (k: Kernel) => StatementHook
  /**
   * Which memory-map pictures to keep: one after each step that changes the map (the
   * app's timeline scrubs through them), only the end of boot's (goals read the final
   * map; grading many boots need not draw the others), or none (goals that never read
   * the map). Default: every step.
   */
  pictures?: Kernel['pictures']
}

/** Policy steps any boot may take, whatever the machine: the bundled kernels take about 2,000 on realm. */
export const BASE_STEP_BUDGET = 200_000
/** Steps allowed per call the kernel makes into the policy on the machine's behalf (a bundled kernel takes about 200). */
export const STEPS_PER_UNIT = 1_000

/**
 * The step budget bounds the learner's code, not the machine's work: every CPU brought
 * online (its ITS tables shared) and every set_memory_decrypted() user the scenario adds
 * runs the policy's decrypt path once more, so each adds its share. A loop that never
 * ends still stops at its own line; a 4,096-CPU realm no longer looks like one.
 */
export function stepBudget(scenario: Scenario): number {
  const cpus = scenario.machine.cpus.reduce((n, c) => n + c.count, 0)
  return BASE_STEP_BUDGET + STEPS_PER_UNIT * (cpus + scenario.extraCallers.length)
}

/** The layers above the kernel state that it calls back into (see KernelHooks). */
export const KERNEL_HOOKS: KernelHooks = { onSplit: checkLiveSplit, cpuWrite }

/**
 * Each program's interpreter, idle between boots: a grader boots one program on
 * every machine of a lab, and compiling it to closures again for each cost
 * about 8% of grading a lab-05 submission. A boot takes it out (so a boot
 * inside a boot compiles its own) and puts it back, released from its kernel,
 * when it ends. A debug boot keeps its own: its session still evaluates in it.
 */
const idle = new WeakMap<Program, Interpreter>()

function interpreterFor(program: Program, natives: NativeTable, limits: Limits, debug: StatementHook | undefined): Interpreter {
  const reused = debug ? undefined : idle.get(program)
  idle.delete(program)
  return reused?.rebind(natives, limits) ? reused : new Interpreter(program, natives, limits, debug)
}

export function boot(scenario: Scenario, policy: KernelPolicy, options: BootOptions = {}): BootResult {
  const k = new Kernel(scenario, KERNEL_HOOKS)
  k.pictures = options.pictures ?? 'every step'
  const errors = policy.diagnostics.filter((d) => d.severity === 'error')
  let diagnostics = [...policy.diagnostics]
  if (policy.program && errors.length === 0) {
    try {
      // Construction computes the globals' initial values, which can fail too.
      k.interp = interpreterFor(policy.program, bindNatives(k), { maxSteps: options.maxSteps ?? stepBudget(scenario) }, options.debug?.(k))
      k.call('start_kernel')
    } catch (e) {
      if (e instanceof ReplayStop) throw e
      if (e instanceof PolicyError) diagnostics = [...diagnostics, e.diagnostic]
      else if (!(e instanceof KernelHalt)) throw e
    }
    if (k.interp && !k.halted) checkRealmExposure(k)
    if (k.interp) snapshot(k, 'end of boot', true)
  }
  const runtimeError = diagnostics.find((d) => d.severity === 'error')
  const verdict = runtimeError
    ? { status: 'policy-error' as const, headline: `The policy could not run: ${runtimeError.message}`, causes: diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`) }
    : verdictOf(k)
  const result: BootResult = {
    version: MODEL_VERSION,
    scenarioName: scenario.name,
    policyName: policy.name,
    kernelVersion: scenario.kernel,
    events: k.events,
    console: k.log.lines,
    splats: k.report.splats,
    steps: k.steps,
    windows: k.windows,
    calls: k.calls,
    faults: k.faults,
    snapshots: k.snapshots,
    counters: { ...finalCounters(k), ...k.counters, policySteps: k.interp?.steps ?? 0 },
    assumptions: k.assumptions,
    diagnostics,
    verdict,
    reached: k.reached,
    kernelImage: { va: physToVirt(k.layout, k.kernelImage.pa), pa: k.kernelImage.pa, size: k.kernelImage.size },
  }
  if (policy.program && k.interp && !options.debug) {
    k.interp.release()
    idle.set(policy.program, k.interp)
  }
  return result
}
