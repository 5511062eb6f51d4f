/*
 * Reading a stopped boot, as gdb's `bt full`, `info locals` and `x` would and
 * the app's panes show it: the call trace with each policy frame's line and
 * locals, the policy's globals, the watches (evaluated in the innermost policy
 * frame), the machine (boot step, window, CPUs, allocator, caps), the console
 * so far and the linear map. Values are shown by values.ts.
 */
import type { Kernel } from '../kernel/kernel'
import { mapPicture } from '../mm/linear-map'
import type { CValue, FunctionDef, Locals, StatementSite } from '../policy'
import type { MapSnapshot, WindowId } from '../result'
import { type Variable, variable } from './values'

export interface StackFrame {
  /** 0 is the innermost frame. */
  id: number
  /** As the kernel names it (`split_kernel_leaf_mapping`, `swiotlb_update_mem_attributes`). */
  name: string
  origin: 'policy' | 'kernel'
  file: string
  /** Policy frames: the line being executed (the innermost) or the call being made. */
  line?: number
  /** Policy frames: parameters and locals by slot. */
  locals?: Variable[]
}

export interface MachineState {
  /** The boot step running (start_kernel's timeline) and its index. */
  bootStep: { index: number; fn: string }
  window: WindowId
  onlineCpus: number
  cpus: number
  allocator: 'memblock' | 'buddy'
  capsFinalized: boolean
  /** Seconds since boot on the console's clock. */
  time: number
  consoleLines: number
}

export interface Watch {
  expression: string
  value?: Variable
  error?: string
}

/** The boot before statement `index` runs (or, at `index === total`, after it ended). */
export interface DebugState {
  index: number
  file?: string
  line?: number
  fn?: string
  frames: StackFrame[]
  globals: Variable[]
  watches: Watch[]
  machine: MachineState
  /** The console so far, as dmesg prints it. */
  console: string[]
  /** The linear map at this moment, as the map view draws it. */
  map: MapSnapshot
}

/** A boot stopped before a statement: its kernel, the frames the statement hook saw, and a way to evaluate in one. */
export interface StoppedBoot {
  k: Kernel
  /** Per call depth: the locals and the statement of the frame running at that depth. */
  readonly frameLocals: Locals[]
  readonly frameSites: StatementSite[]
  evaluate(text: string, fn: FunctionDef | undefined, locals: Locals): { value: CValue } | { error: string }
}

/**
 * For each frame of the kernel's call trace (innermost first), the interpreter
 * depth of a policy frame, undefined for a native one: the trace's policy
 * frames are the interpreter's, innermost first.
 */
export function policyDepthsByFrame(k: Kernel): (number | undefined)[] {
  const inner = k.interp.stack()
  const depths = inner.map((f, d) => (f.origin === 'policy' ? d : -1)).filter((d) => d >= 0).reverse()
  let p = 0
  return k.callTrace().map((f) => (f.origin === 'policy' ? depths[p++] : undefined))
}

/** Read the stopped boot: stack with locals, globals, watches, machine, console, map. `ended`: the boot has run to its end. */
export function readState(run: StoppedBoot, index: number, watchList: readonly string[], ended: boolean): DebugState {
  const k = run.k
  const machine: MachineState = {
    bootStep: { index: k.currentStep(), fn: k.steps[k.currentStep()]?.fn ?? 'start_kernel' },
    window: k.window(),
    onlineCpus: k.onlineCpus(),
    cpus: k.cpus.length,
    allocator: k.buddy ? 'buddy' : 'memblock',
    capsFinalized: k.capsFinalized,
    time: k.time,
    consoleLines: k.log.lines.length,
  }
  const base = { index, globals: [] as Variable[], watches: [] as Watch[], machine, console: k.log.lines.map((l) => l.line), map: mapPicture(k, `before statement ${index}`) }
  const interp = k.interp
  if (!interp) return { ...base, frames: [] }
  const globals = interp.globalNames().map((name) => {
    const info = interp.globalInfo(name)
    return { ...variable(name, undefined, interp.getGlobal(name)), type: info?.type ?? 'kernel value' }
  })
  if (interp.stack().length === 0 || ended) return { ...base, globals, frames: [] }
  const depths = policyDepthsByFrame(k)
  const frames: StackFrame[] = k.callTrace().map((f, id) => {
    const d = depths[id]
    if (d === undefined) return { id, name: f.fn, origin: 'kernel', file: f.file }
    const site = run.frameSites[d]
    const locals = run.frameLocals[d]
    const fn = site?.fn
    return {
      id,
      name: f.fn,
      origin: 'policy',
      file: f.file,
      line: site?.line ?? f.line,
      locals: fn ? fn.locals.map((l, slot) => variable(l.name, l.ty, locals?.[slot])) : [],
    }
  })
  const innermost = depths.find((d) => d !== undefined)
  const top = innermost === undefined ? undefined : run.frameSites[innermost]
  const watches = watchList.map((expression): Watch => {
    const v = run.evaluate(expression, top?.fn, innermost === undefined ? [] : run.frameLocals[innermost])
    return 'error' in v ? { expression, error: v.error } : { expression, value: variable(expression, undefined, v.value) }
  })
  return { ...base, globals, watches, frames, file: top?.file, line: top?.line, fn: top?.fn.name }
}
