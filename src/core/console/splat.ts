/*
 * WARN, Oops and panic reports in the kernel's own formats:
 * kernel/panic.c __warn() and panic(), arch/arm64/kernel/traps.c die() →
 * __die(), arch/arm64/kernel/process.c __show_regs(), lib/dump_stack.c
 * dump_stack_print_info(), arch/arm64/kernel/setup.c arm64_panic_block_dump().
 *
 * What changes with the kernel version (docs/model.md):
 * - the WARN header: `WARNING: CPU: 0 PID: 0 at file:line fn+off/size` until
 *   6.18, `WARNING: file:line at fn+off/size, CPU#0: comm/pid` from 6.19
 *   (kernel/panic.c __warn());
 * - the CPU line: `UID: 0` from 6.11, the preemption model from 6.15
 *   (preempt_model_str(), followed by the empty BUILD_ID's space), and the
 *   `Tainted: [W]=WARN` line (print_tainted_verbose()) from 6.12;
 * - the `(P)` mark of a frame taken from the pc, from 6.14.
 * The taint string is print_tainted()'s fixed-width one (18 flags, 19 from 6.15
 * with J). Values the model does not know are printed as documented
 * placeholders: the NZCV flags of pstate, `sp :`, the `Code:` words, the KASLR
 * offset and the `CPU features:` bitmap; the x29..x0 block is left out.
 * The policy's own file:line is kept on each console line (`source`) and in the
 * Splat, not in the text.
 */
import type { ConsoleLevel, Splat, SplatFrame } from '../result'
import type { Frame } from '../policy/value'
import type { KernelLog } from './printk'
import { printedTrace, symbolize, type TraceFrame } from './symbols'

export interface TaskContext {
  cpu: number
  pid: number
  comm: string
  /** pstate as __show_regs() prints it, from the context (IRQs masked early, PAN once caps are final). */
  pstate: string
  /** Placeholder stack pointer of the task. */
  sp: string
}

/** Where a WARN fired: the policy's place (origin `policy`) or a kernel file. */
export interface SplatSite {
  fn: string
  file: string
  line: number
  origin: 'policy' | 'kernel'
}

/** The file:line a WARN header prints (the kernel's file; approximate for policy functions). */
export interface PrintedSite {
  file: string
  line: number
}

/** Kernel version numbers: 7.0.0-rc4 → [7, 0]. */
function version(kernel: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(kernel)
  return m ? [Number(m[1]), Number(m[2])] : [0, 0]
}

const atLeast = (v: [number, number], major: number, minor: number) => v[0] > major || (v[0] === major && v[1] >= minor)

/** print_tainted()'s flags, in taint order (include/linux/panic.h); `J` from 6.15. */
const TAINT_FLAGS = 'PFRMBUDAWCIOELKXTNJ'
const TAINT_NAMES: Record<string, string> = { D: 'DIE', W: 'WARN' }

/** KIMAGE_VADDR with 48-bit VAs, and the model's placeholder KASLR offset. */
const KIMAGE_VADDR = 0xffff800080000000n
const KASLR_OFFSET_PLACEHOLDER = 0x200000n
/** ARM64_NCAPS-wide bitmap placeholder for `CPU features:` (%*pb of 124 bits, as the 7.0 log). */
const CPU_FEATURES_PLACEHOLDER = '0x0000000,00000000,00000000,00000000'
/** dump_kernel_instr(): four words before the faulting one, which is in brackets (placeholders). */
const CODE_PLACEHOLDER = 'Code: 00000000 00000000 00000000 00000000 (00000000)'

export class Reporter {
  readonly splats: Splat[] = []
  private readonly taints = new Set<string>()
  private dieCounter = 0
  private readonly v: [number, number]

  constructor(
    private readonly log: KernelLog,
    private readonly kernel: string,
    private readonly physOffset: () => number,
  ) {
    this.v = version(kernel)
  }

  /** print_tainted(): `Not tainted` or `Tainted: G        W          `. */
  private tainted(): string {
    if (!this.taints.size) return 'Not tainted'
    const flags = atLeast(this.v, 6, 15) ? TAINT_FLAGS : TAINT_FLAGS.slice(0, -1)
    return `Tainted: ${[...flags].map((c) => (this.taints.has(c) ? c : c === 'P' ? 'G' : ' ')).join('')}`
  }

  /** dump_stack_print_info(): the CPU line, the verbose taint line, the hardware name. */
  private printInfo(p: (t: string) => void, task: TaskContext): void {
    const uid = atLeast(this.v, 6, 11) ? ' UID: 0' : ''
    const preempt = atLeast(this.v, 6, 15) ? ' PREEMPT ' : ''
    p(`CPU: ${task.cpu}${uid} PID: ${task.pid} Comm: ${task.comm} ${this.tainted()} ${this.kernel} #1${preempt}`)
    if (this.taints.size && atLeast(this.v, 6, 12)) {
      const set = [...TAINT_FLAGS].filter((c) => this.taints.has(c))
      p(`Tainted: ${set.map((c) => `[${c}]=${TAINT_NAMES[c]}`).join(', ')}`)
    }
    p('Hardware name: linux,dummy-virt (DT)')
  }

  private frameLine(f: TraceFrame, first: boolean, mark: string): string {
    return ` ${f.text}${first && atLeast(this.v, 6, 14) ? ` ${mark}` : ''}`
  }

  /** show_regs(): info, pstate, pc, lr, sp (registers left out), then the backtrace from the regs. */
  private showRegs(p: (t: string, source?: Frame) => void, task: TaskContext, trace: TraceFrame[], lr?: TraceFrame): void {
    this.printInfo(p, task)
    p(`pstate: ${task.pstate}`)
    if (trace[0]) p(`pc : ${trace[0].text}`, trace[0])
    if (lr) p(`lr : ${lr.text}`, lr)
    p(`sp : ${task.sp}`)
    p('Call trace:')
    trace.forEach((f, i) => p(this.frameLine(f, i === 0, '(P)'), f))
  }

  private printer(index: number, level: ConsoleLevel) {
    return (t: string, source?: { origin: string; file: string; line?: number }) =>
      this.log.printk(level, t, index, source && source.origin === 'policy' && source.line ? { file: source.file, line: source.line } : undefined)
  }

  /** __warn() after a BRK: cut here, the message (arm64 prints it first), header, modules, regs, trace. */
  warn(site: SplatSite, printed: PrintedSite, frames: Frame[], task: TaskContext, step: number, message?: string): number {
    const index = this.splats.length
    const p = this.printer(index, 'warn')
    const first = p('------------[ cut here ]------------')
    if (message) p(message)
    const where = site.line
    const { trace, lr } = printedTrace(frames, where)
    const at = symbolize(site.fn, where)
    p(
      atLeast(this.v, 6, 19)
        ? `WARNING: ${printed.file}:${printed.line} at ${at}, CPU#${task.cpu}: ${task.comm}/${task.pid}`
        : `WARNING: CPU: ${task.cpu} PID: ${task.pid} at ${printed.file}:${printed.line} ${at}`,
      site,
    )
    p('Modules linked in:')
    this.showRegs(p, task, trace, lr)
    const last = p('---[ end trace 0000000000000000 ]---')
    this.taints.add('W')
    this.splats.push({ index, kind: 'warn', site, printed, message, frames: chain(frames), trace: trace.map(plainFrame), step, cpu: task.cpu, lines: [first, last] })
    return index
  }

  /** die() → __die(): the fault's own lines, `Internal error`, modules, regs, trace, Code:. */
  oops(site: SplatSite, header: string[], esr: number, frames: Frame[], task: TaskContext, step: number): number {
    const index = this.splats.length
    const p = this.printer(index, 'alert')
    let first = -1
    for (const h of header) {
      const n = p(h)
      if (first < 0) first = n
    }
    const n = p(`Internal error: Oops: ${esr.toString(16).padStart(16, '0')} [#${++this.dieCounter}]  SMP`)
    if (first < 0) first = n
    p('Modules linked in:')
    const { trace, lr } = printedTrace(frames, 'fault')
    this.showRegs(p, task, trace, lr)
    p(CODE_PLACEHOLDER)
    const last = p('---[ end trace 0000000000000000 ]---')
    this.taints.add('D')
    this.splats.push({ index, kind: 'oops', site, frames: chain(frames), trace: trace.map(plainFrame), step, cpu: task.cpu, lines: [first, last] })
    return index
  }

  /**
   * panic(): the message, a stack dump unless a kernel death (TAINT_DIE) is
   * being handled, stopping the other CPUs, then the arm64 panic notifier's tail.
   */
  panic(message: string, task: TaskContext, step: number, frames: Frame[], otherCpusOnline: boolean): number {
    const index = this.splats.length
    const p = this.printer(index, 'emerg')
    const first = p(`Kernel panic - not syncing: ${message}`)
    const dump = !this.taints.has('D')
    const panicFrames: Frame[] = [
      { fn: 'show_stack', origin: 'kernel', file: 'arch/arm64/kernel/stacktrace.c' },
      { fn: 'dump_stack_lvl', origin: 'kernel', file: 'lib/dump_stack.c' },
      { fn: 'dump_stack', origin: 'kernel', file: 'lib/dump_stack.c' },
      { fn: 'panic', origin: 'kernel', file: 'kernel/panic.c' },
      ...frames,
    ]
    const { trace } = printedTrace(panicFrames, 'dump')
    if (dump) {
      this.printInfo(p, task)
      p('Call trace:')
      trace.forEach((f, i) => p(this.frameLine(f, i === 0, '(C)'), f))
    }
    if (otherCpusOnline) p('SMP: stopping secondary CPUs')
    p(`Kernel Offset: 0x${KASLR_OFFSET_PLACEHOLDER.toString(16)} from 0x${KIMAGE_VADDR.toString(16)}`)
    p(`PHYS_OFFSET: 0x${this.physOffset().toString(16)}`)
    p(`CPU features: ${CPU_FEATURES_PLACEHOLDER}`)
    p('Memory Limit: none')
    const last = p(`---[ end Kernel panic - not syncing: ${message} ]---`)
    const site: SplatSite = { fn: 'panic', file: 'kernel/panic.c', line: 0, origin: 'kernel' }
    this.splats.push({ index, kind: 'panic', site, message, frames: chain(frames), trace: dump ? trace.map(plainFrame) : [], step, cpu: task.cpu, lines: [first, last] })
    return index
  }
}

/** The simulated call chain, innermost first, without repeated neighbours. */
function chain(frames: Frame[]): Frame[] {
  return frames.filter((f, i) => !(i > 0 && frames[i - 1].fn === f.fn))
}

/** A printed frame as the BootResult keeps it: the function, its printed symbol, and for a policy frame its place. */
function plainFrame(f: TraceFrame): SplatFrame {
  const out: SplatFrame = { fn: f.fn, origin: f.origin, file: f.file, symbol: f.text }
  if (f.line !== undefined) out.line = f.line
  return out
}
