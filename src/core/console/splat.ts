/*
 * WARN, Oops and panic reports in the kernel's own formats (kernel/panic.c
 * __warn(), arch/arm64/kernel/traps.c die(), arch/arm64/mm/fault.c), in the
 * header style of the scenario's kernel version (kernel reference §9):
 * up to 6.x `WARNING: CPU: 0 PID: 0 at file:line fn+off/size`, from 7.0
 * `WARNING: file:line at fn+off/size, CPU#0: comm`.
 * Symbol offsets (+0x7c/0x88) are synthesised deterministically from the name;
 * register dumps are left out rather than invented. Policy frames carry the
 * policy file and line so a learner can jump to them.
 */
import type { Splat } from '../boot/result'
import type { Frame } from '../policy/value'
import type { KernelLog } from './printk'

export interface TaskContext {
  cpu: number
  pid: number
  comm: string
}

export interface SplatSite {
  fn: string
  file: string
  line: number
  origin: 'policy' | 'kernel'
}

/** A stable pseudo symbol size for a function name (0x40..0x43c, 4-byte aligned). */
function symbolSize(fn: string): number {
  let h = 2166136261
  for (let i = 0; i < fn.length; i++) h = Math.imul(h ^ fn.charCodeAt(i), 16777619)
  return 0x40 + ((h >>> 0) % 0x100) * 4
}

export function symbolize(frame: Frame): string {
  const size = symbolSize(frame.fn)
  const off = Math.min(size - 4, ((frame.line ?? 1) * 12) % size) & ~3
  const sym = `${frame.fn}+0x${off.toString(16)}/0x${size.toString(16)}`
  return frame.origin === 'policy' ? `${sym} [${frame.file}:${frame.line}]` : sym
}

function majorVersion(kernel: string): number {
  return Number.parseInt(kernel, 10) || 0
}

export class Reporter {
  readonly splats: Splat[] = []
  private tainted = false

  constructor(
    private readonly log: KernelLog,
    private readonly kernel: string,
  ) {}

  private cpuLine(task: TaskContext): string {
    const taint = this.tainted ? 'Tainted: G        W' : 'Not tainted'
    const comm = majorVersion(this.kernel) >= 7 && task.pid === 0 ? 'swapper' : task.comm
    return `CPU: ${task.cpu} UID: 0 PID: ${task.pid} Comm: ${comm} ${taint} ${this.kernel} #1 PREEMPT`
  }

  private trace(index: number, frames: Frame[]): void {
    const p = (t: string) => this.log.printk('warn', t, index)
    p('Call trace:')
    frames.forEach((f, i) => p(` ${symbolize(f)}${i === 0 ? ' (P)' : ''}`))
  }

  private machineLines(index: number, task: TaskContext, frames: Frame[]): void {
    const p = (t: string) => this.log.printk('warn', t, index)
    p('Modules linked in:')
    p(this.cpuLine(task))
    p('Hardware name: linux,dummy-virt (DT)')
    p('pstate: 800000c5 (Nzcv daIF -PAN -UAO -TCO -DIT -SSBS BTYPE=--)')
    if (frames[0]) p(`pc : ${symbolize(frames[0])}`)
    if (frames[1]) p(`lr : ${symbolize(frames[1])}`)
  }

  /** __warn(): the splat of WARN_ON()/WARN(); frames innermost first. */
  warn(site: SplatSite, frames: Frame[], task: TaskContext, step: number, message?: string): number {
    const index = this.splats.length
    const p = (t: string) => this.log.printk('warn', t, index)
    const first = p('------------[ cut here ]------------')
    if (message) p(message)
    const at = symbolize({ fn: site.fn, origin: 'kernel', file: site.file, line: site.line })
    p(
      majorVersion(this.kernel) >= 7
        ? `WARNING: ${site.file}:${site.line} at ${at}, CPU#${task.cpu}: ${task.comm}`
        : `WARNING: CPU: ${task.cpu} PID: ${task.pid} at ${site.file}:${site.line} ${at}`,
    )
    this.machineLines(index, task, frames)
    this.trace(index, frames)
    const last = p('---[ end trace 0000000000000000 ]---')
    this.tainted = true
    this.splats.push({ index, kind: 'warn', site, message, frames, step, cpu: task.cpu, lines: [first, last] })
    return index
  }

  /** die(): an Oops after a kernel fault; `header` holds the fault-specific lines before it. */
  oops(site: SplatSite, header: string[], esr: number, frames: Frame[], task: TaskContext, step: number): number {
    const index = this.splats.length
    const p = (t: string) => this.log.printk('alert', t, index)
    let first = -1
    for (const h of header) {
      const n = p(h)
      if (first < 0) first = n
    }
    const n = p(`Internal error: Oops: ${esr.toString(16).padStart(16, '0')} [#1]  SMP`)
    if (first < 0) first = n
    this.machineLines(index, task, frames)
    this.trace(index, frames)
    const last = p('---[ end trace 0000000000000000 ]---')
    this.splats.push({ index, kind: 'oops', site, frames, step, cpu: task.cpu, lines: [first, last] })
    return index
  }

  /** panic(): the last words of a boot. */
  panic(message: string, task: TaskContext, step: number, frames: Frame[]): number {
    const index = this.splats.length
    const p = (t: string) => this.log.printk('emerg', t, index)
    const first = p(`Kernel panic - not syncing: ${message}`)
    p(this.cpuLine(task))
    this.trace(index, frames)
    p('SMP: stopping secondary CPUs')
    p('Kernel Offset: disabled')
    p('Memory Limit: none')
    const last = p(`---[ end Kernel panic - not syncing: ${message} ]---`)
    const site: SplatSite = { fn: 'panic', file: 'kernel/panic.c', line: 0, origin: 'kernel' }
    this.splats.push({ index, kind: 'panic', site, message, frames, step, cpu: task.cpu, lines: [first, last] })
    return index
  }
}
