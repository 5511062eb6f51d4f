/*
 * The simulated call stack as a call trace prints it (arch/arm64/kernel/
 * stacktrace.c dump_backtrace(), innermost first): the policy interpreter's
 * frames with the native frames (boot steps, driver paths) slotted in at the
 * depth they were entered, under the running task's own base frames
 * (ret_from_fork and kthread for a thread, __primary_switched under
 * start_kernel for the boot CPU's idle task).
 */
import type { Frame } from '../policy/value'

/** A native function on the simulated call stack that did not go through the interpreter (a boot step, a driver path). */
export interface NativeFrame {
  fn: string
  file: string
  /** Interpreter stack depth when it was entered: it sits just outside those frames. */
  depth: number
}

/** A task the simulated code runs as, other than the boot CPU's idle task (init, cpuhp/N, a secondary's idle task). */
export interface Task {
  pid: number
  comm: string
  cpu: number
  /** Interrupts masked (an AP's idle task before it is online). */
  irqsOff: boolean
  /** The frames under the task's own code, outermost first (ret_from_fork, kthread, ...). */
  base: Frame[]
  /** Native and interpreter stack depths when it started: frames at or past them are its own. */
  nativeDepth: number
  interpDepth: number
}

const HEAD_S = 'arch/arm64/kernel/head.S'

/**
 * Innermost first, without the `skipInnermost` innermost frames. A native
 * frame that only called the function of the same name (a step running the
 * policy's mem_init) is shown once.
 */
export function mergeCallTrace(inner: readonly Frame[], nativeFrames: readonly NativeFrame[], task: Task | undefined, skipInnermost: number): Frame[] {
  const merged: Frame[] = []
  let n = 0
  for (let d = 0; d <= inner.length; d++) {
    while (n < nativeFrames.length && nativeFrames[n].depth === d) {
      const i = n++
      const f = nativeFrames[i]
      if (task && i < task.nativeDepth) continue
      if (inner[d]?.fn !== f.fn) merged.push({ fn: f.fn, origin: 'kernel', file: f.file })
    }
    if (d < inner.length && !(task && d < task.interpDepth)) merged.push(inner[d])
  }
  const own = task ? [...task.base, ...merged] : [{ fn: '__primary_switched', origin: 'kernel' as const, file: HEAD_S }, ...merged]
  return own.slice(0, own.length - skipInnermost).reverse()
}
