/*
 * One simulated kernel instance: the state a single boot mutates.
 *
 * Every boot step and every native helper runs through the policy interpreter
 * (`call`), so one call stack holds kernel and policy frames alike and a WARN's
 * call trace is the real call chain of the simulation. The windows W0..W3 are
 * not stored: they follow from the allocator stage, smp_init and caps
 * finalization, as in the kernel reference §1.
 */
import type { Buddy } from '../buddy/buddy'
import { type NativeFrame, type Task, mergeCallTrace } from './call-trace'
import type { DecryptProbe, ItsState, SwiotlbPool } from './caller-state'
import { type CpuState, machineCpus } from './cpu'
import { KernelLog, MAX_CONSOLE_LINES } from '../console/printk'
import { Reporter, type SplatSite, type TaskContext } from '../console/splat'
import { kernelPlace } from '../console/symbols'
import { Memblock } from '../memblock/memblock'
import { type LinearMapLayout, PAGE_SIZE, type PhysAddr, physOffsetFor, phys, SZ_2M, type VirtAddr } from '../memory/addr'
import { RealmState } from '../mm/rsi'
import { type Zones, zonesOf } from '../mm/zones'
import { PageTable, type SplitEvent } from '../pgtable'
import type { Interpreter } from '../policy'
import { type CValue, type Frame, KernelHalt } from '../policy/value'
import type { Scenario } from '../scenario/schema'
import type { BootStep, CallerRecord, Counters, Fault, PgtableCounters, MapSnapshot, TraceEvent, WindowId, WindowInterval } from '../result'

export type { CpuState } from './cpu'

/**
 * What the kernel state needs from the layers above it, handed in by boot(): the check a live
 * split of the linear map runs (src/core/mm/linear-map.ts checkLiveSplit) and a CPU write
 * through the linear map, which can fault (src/core/mm/access.ts cpuWrite). Hooks keep this
 * floor free of imports from mm/ and callers/.
 */
export interface KernelHooks {
  onSplit(k: Kernel, e: SplitEvent): void
  cpuWrite(k: Kernel, va: VirtAddr, size: number, what: string): unknown
}

/** Nominal seconds a step takes once the clock runs (deterministic, for the timeline only). */
const STEP_SECONDS = 0.0008

export class Kernel {
  readonly layout: LinearMapLayout
  /** ZONE_DMA / ZONE_DMA32 limits from the machine's RAM (arch/arm64/mm/init.c zone_sizes_init()). */
  readonly zones: Zones
  readonly log: KernelLog
  readonly report: Reporter
  readonly events: TraceEvent[] = []
  readonly memblock = new Memblock()
  buddy: Buddy | null = null
  slabAvailable = false
  readonly cpus: CpuState[]
  /** The CPUs without BBML2_NOABORT (often none): the ones a live split can hurt. */
  readonly cpusWithoutBbml2: CpuState[]
  /** CPUs marked online; CPUs only come online in the model, so a count is enough (no scan per step). */
  private online = 1
  /** ARM64_HAS_BBML2_NOABORT: set while probing the boot CPU, cleared by an early CPU that lacks it. */
  bbml2Cap = false
  capsFinalized = false
  smpStarted = false
  currentCpu = 0
  /** sched_init() has named the boot CPU's idle task `swapper/0` (it is `swapper` before). */
  schedInitDone = false
  /** start_kernel()'s local_irq_enable() has run. */
  irqsEnabled = false
  private readonly tasks: Task[] = []
  readonly realm = new RealmState()
  readonly steps: BootStep[] = []
  readonly windows: WindowInterval[] = []
  readonly calls: CallerRecord[] = []
  readonly faults: Fault[] = []
  readonly assumptions: string[] = []
  /** The same texts as a set: a scenario with thousands of hypothetical callers makes thousands of assumptions. */
  private readonly assumed = new Set<string>()
  readonly snapshots: MapSnapshot[] = []
  /** Which memory-map pictures the boot keeps (BootOptions.pictures). */
  pictures: 'every step' | 'end of boot' | 'none' = 'every step'
  readonly warnedOnce = new Set<string>()
  time = 0
  clockRunning = false
  initFreed = false
  rodataReadOnly = false
  halted: string | null = null
  /** The boot stopped without a panic: a thread it waits for died (an Oops in cpuhp/N). */
  hung = false
  /** Deepest step entered, for "how far the boot got". */
  reached = 'start_kernel'
  userspace = false
  /** The PSCI probe found the SMCCC conduit: RSI calls can be made from here on. */
  smcccConduit = false
  /** [_text, __init_begin): mapped separately with NO_CONT_MAPPINGS, never split or repainted. */
  readonly kernelImage: { pa: PhysAddr; size: number }
  swiotlb: SwiotlbPool | null = null
  /** The early KFENCE pool (arm64_kfence_alloc_pool()), PTE-mapped; null without early KFENCE. */
  kfencePool: { pa: PhysAddr; size: number } | null = null
  its: ItsState | null = null
  /** Observations of the set_memory_decrypted() call in progress, if any. */
  probe: DecryptProbe | null = null
  /** Broken invariants already reported (each realm exposure or broken CONT group once). */
  readonly reportedOnce = new Set<string>()
  readonly counters: Pick<Counters, 'warns' | 'decryptCalls' | 'decryptFailures'> = { warns: 0, decryptCalls: 0, decryptFailures: 0 }
  private readonly openSteps: number[] = []
  private readonly nativeFrames: NativeFrame[] = []
  interp!: Interpreter

  readonly pt: PageTable
  /** Which allocator gave the last page-table page a policy asked for (split_pgtable_alloc()). */
  lastPgtableSource: 'memblock' | 'buddy' = 'buddy'
  /** map_memblock_ranges() has mapped RAM: paging_init() does it once per boot. */
  ramMapped = false
  repaint: PgtableCounters['repaint'] = { happened: false, tablesAllocated: 0, ptesWritten: 0 }

  constructor(
    readonly scenario: Scenario,
    readonly hooks: KernelHooks,
  ) {
    const ramStart = Math.min(...scenario.machine.ram.map((r) => r.base))
    this.layout = { physOffset: physOffsetFor(phys(ramStart)) }
    this.zones = zonesOf(scenario)
    this.log = new KernelLog(
      () => ({ time: this.time, step: this.currentStep() }),
      () => this.logFull(),
    )
    this.report = new Reporter(this.log, scenario.kernel, () => this.layout.physOffset)
    this.cpus = machineCpus(scenario)
    this.cpusWithoutBbml2 = this.cpus.filter((c) => !c.bbml2)
    const image = scenario.machine.kernelImage ?? { base: ramStart + SZ_2M, size: 24 * 2 ** 20 }
    this.kernelImage = { pa: phys(image.base), size: image.size }
    this.pt = new PageTable({
      nsSharedBit: scenario.machine.ipaBits - 1,
      swapperPgDirPa: phys(this.swapperPgDir()),
      onSplit: (e) => this.hooks.onSplit(this, e),
    })
  }

  // ---- allocators ----------------------------------------------------------

  /** swapper_pg_dir's PA, for the Oops "pgdp=" line: just after the kernel image text. */
  swapperPgDir(): number {
    return this.kernelImage.pa + this.kernelImage.size - 16 * PAGE_SIZE
  }

  // ---- calls -------------------------------------------------------------

  /** Call a kernel function by name: the policy's definition wins over the native one. */
  call(name: string, args: CValue[] = []): CValue {
    return this.interp.call(name, args)
  }

  // ---- time, steps and windows --------------------------------------------

  currentStep(): number {
    return this.openSteps.length ? this.openSteps[this.openSteps.length - 1] : Math.max(0, this.steps.length - 1)
  }

  window(): WindowId {
    if (!this.buddy) return 'W0'
    if (this.capsFinalized) return 'W3'
    return this.smpStarted ? 'W2' : 'W1'
  }

  onlineCpus(): number {
    return this.online
  }

  /** set_cpu_online(cpu, true). */
  bringOnline(cpu: CpuState): void {
    if (cpu.online) return
    cpu.online = true
    this.online++
  }

  /** The PID of the task running now. */
  get pid(): number {
    return this.tasks.length ? this.tasks[this.tasks.length - 1].pid : 0
  }

  /** The task running now as a splat prints it (include/linux/sched.h comm, arch/arm64 pstate). */
  task(): TaskContext {
    const t = this.tasks[this.tasks.length - 1]
    const cpu = t?.cpu ?? this.currentCpu
    const pid = t?.pid ?? 0
    const comm = t?.comm ?? (cpu > 0 ? `swapper/${cpu}` : this.schedInitDone ? 'swapper/0' : 'swapper')
    // Placeholder NZCV flags; DAIF from the context; PAN and DIT once the caps are final (as the 7.0-rc4 Oops shows).
    const pstate = !this.irqsEnabled || t?.irqsOff
      ? '800000c5 (Nzcv daIF -PAN -UAO -TCO -DIT -SSBS BTYPE=--)'
      : this.capsFinalized
        ? '21400005 (nzCv daif +PAN -UAO -TCO +DIT -SSBS BTYPE=--)'
        : '60000005 (nZCv daif -PAN -UAO -TCO -DIT -SSBS BTYPE=--)'
    // Placeholder stack pointers: init_stack for the boot idle task, one 16 KiB stack per other task.
    const stack = pid === 0 && cpu === 0 ? 0xffff800082e03000n : 0xffff800080000000n + BigInt(pid + cpu + 1) * 0x8000n
    return { cpu, pid, comm, pstate, sp: (stack + 0x3c80n).toString(16) }
  }

  /**
   * Run `body` as another task (PID 1 kernel_init, cpuhp/N, a starting CPU's
   * idle task): splats print its identity and its trace starts at `base`.
   */
  runAs(task: { pid: number; comm: string; cpu?: number; irqsOff?: boolean }, base: { fn: string; file: string }[], body: () => void): void {
    if (this.halted) return
    const cpu = task.cpu ?? this.currentCpu
    this.tasks.push({
      pid: task.pid,
      comm: task.comm,
      cpu,
      irqsOff: !!task.irqsOff,
      base: base.map((f) => ({ ...f, origin: 'kernel' as const })),
      nativeDepth: this.nativeFrames.length,
      interpDepth: this.interp.stack().length,
    })
    const previous = this.currentCpu
    this.currentCpu = cpu
    try {
      body()
    } finally {
      this.currentCpu = previous
      this.tasks.pop()
    }
  }

  /** Run one boot step: a named kernel function, recorded on the timeline. */
  step(fn: string, file: string, body: () => void, policy = false): void {
    if (this.halted) return
    const parentIndex = this.openSteps.length ? this.openSteps[this.openSteps.length - 1] : undefined
    const record: BootStep = {
      index: this.steps.length,
      fn,
      file,
      parent: parentIndex === undefined ? undefined : this.steps[parentIndex].fn,
      window: this.window(),
      t0: this.time,
      t1: this.time,
      onlineCpus: this.onlineCpus(),
      allocator: this.buddy ? 'buddy' : 'memblock',
      capsFinalized: this.capsFinalized,
      policy,
    }
    this.steps.push(record)
    this.openSteps.push(record.index)
    this.reached = fn
    this.events.push({ kind: 'step', step: record.index, fn, phase: 'enter' })
    try {
      this.frame(fn, file, body)
    } finally {
      if (this.clockRunning) this.time = Number((this.time + STEP_SECONDS).toFixed(6))
      record.t1 = this.time
      this.openSteps.pop()
      this.events.push({ kind: 'step', step: record.index, fn, phase: 'exit' })
    }
  }

  /** Run `body` as native function `fn`: it appears in call traces without being a timeline step. */
  frame(fn: string, file: string, body: () => void): void {
    if (this.halted) return
    this.nativeFrames.push({ fn, file, depth: this.interp.depth })
    try {
      body()
    } finally {
      this.nativeFrames.pop()
    }
  }

  openWindow(id: WindowInterval['id'], title: string, why: string): void {
    const step = this.currentStep()
    this.windows.push({ id, title, why, fromStep: step, toStep: step, t0: this.time, t1: this.time })
    this.events.push({ kind: 'window', id, phase: 'open', step })
  }

  closeWindow(id: WindowInterval['id']): void {
    const w = this.windows.find((x) => x.id === id)
    if (!w) return
    w.toStep = this.currentStep()
    w.t1 = this.time
    this.events.push({ kind: 'window', id, phase: 'close', step: w.toStep })
  }

  // ---- console, WARN, faults ------------------------------------------------

  /** The kernel log is at its cap: stop the boot here, blaming the policy line that keeps printing. */
  private logFull(): never {
    // Halted, so nothing after the policy error (the realm checks) prints into the full log again.
    this.halted ??= 'the kernel log is full'
    throw this.interp.error(`the kernel log reached ${MAX_CONSOLE_LINES} lines: does a loop print (pr_info, WARN) without end?`, 'budget')
  }

  pr(level: 'info' | 'warn' | 'err' | 'notice' | 'crit' | 'emerg', text: string): void {
    const index = this.log.printk(level, text)
    this.events.push({ kind: 'console', line: index })
  }

  /**
   * The simulated call stack, innermost first, as a call trace prints it: the
   * interpreter's frames with native frames slotted in at the depth they were
   * entered, from the running task's own base (ret_from_fork for a thread,
   * __primary_switched under start_kernel for the boot CPU). A native frame
   * that only called the function of the same name (a step running the
   * policy's mem_init) is shown once.
   */
  callTrace(skipInnermost = 0): Frame[] {
    return mergeCallTrace(this.interp.stack(), this.nativeFrames, this.tasks[this.tasks.length - 1], skipInnermost)
  }

  /** __warn(): print a splat for a WARN that fired at `site`. */
  warn(site: SplatSite, message?: string, skipInnermost = 0): void {
    this.counters.warns++
    const printed = site.origin === 'policy' ? kernelPlace(site.fn, site.line, this.interp.functionInfo(site.fn)?.line) : { file: site.file, line: site.line }
    const index = this.report.warn(site, { file: printed.file, line: printed.line }, this.callTrace(skipInnermost), this.task(), this.currentStep(), message)
    const [first, last] = this.report.splats[index].lines
    for (let i = first; i <= last; i++) this.events.push({ kind: 'console', line: i })
  }

  /** WARN_ON_ONCE semantics: fires once per site per boot. Returns whether it printed. */
  warnOnce(site: SplatSite, message?: string, skipInnermost = 0): boolean {
    const key = `${site.file}:${site.line}:${site.fn}`
    if (this.warnedOnce.has(key)) return false
    this.warnedOnce.add(key)
    this.warn(site, message, skipInnermost)
    return true
  }

  assume(text: string): void {
    if (!this.assumed.has(text)) {
      this.assumed.add(text)
      this.assumptions.push(text)
    }
    this.events.push({ kind: 'assumption', step: this.currentStep(), text })
  }

  fault(f: Omit<Fault, 'step'>): Fault {
    const fault: Fault = { ...f, step: this.currentStep() }
    this.faults.push(fault)
    this.events.push({ kind: 'fault', fault: this.faults.length - 1 })
    if (fault.assumption) this.assume(fault.assumption)
    return fault
  }

  /** A kernel thread the boot waits for died in an Oops: no panic, the boot never goes on (make_task_dead()). */
  hang(message: string): never {
    this.halted = message
    this.hung = true
    throw new KernelHalt(message)
  }

  /** panic(): print the panic and stop the boot (unwinds through the interpreter). */
  panic(message: string): never {
    const index = this.report.panic(message, this.task(), this.currentStep(), this.callTrace(), this.onlineCpus() > 1)
    const [first, last] = this.report.splats[index].lines
    for (let i = first; i <= last; i++) this.events.push({ kind: 'console', line: i })
    this.halted = message
    throw new KernelHalt(message)
  }

  /** Keep a caller's record (the caller stamps it with currentStep(), window() and currentCpu). */
  recordCall(record: CallerRecord): CallerRecord {
    this.calls.push(record)
    this.events.push({ kind: 'call', record: this.calls.length - 1 })
    return record
  }
}
