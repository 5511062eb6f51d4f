/*
 * The arm64 boot order (init/main.c start_kernel, arch/arm64/kernel/setup.c
 * setup_arch, mm/mm_init.c mm_core_init, kernel_init_freeable), kernel
 * reference §1. Each step is a native function named as in the kernel; the ones
 * a policy may redefine (map_mem, arm64_rsi_init, arch_mm_preinit, mem_init,
 * linear_map_maybe_split_to_ptes) are called by name, so the policy's version
 * runs when it has one. The order itself is the kernel's and is not editable.
 */
import { handOverToBuddy } from '../buddy/alloc'
import { formatSize, SZ_2M } from '../memory/addr'
import { zoneRangeLines } from '../mm/zones'
import { bootCpuCapabilities, cpuUp, finalizeSystemCapabilities, onlineSecondaries } from '../cpufeature/capabilities'
import { itsInit } from '../callers/gic-its'
import { dmaAtomicPoolInit } from '../callers/dma-pool'
import { probeVirtioDevices, ipAutoConfig, mountRoot } from '../callers/virtio'
import { runExtraCallers } from '../callers/extra'
import { checkRealmExposure } from '../mm/realm-checks'
import { snapshot } from '../mm/linear-map'
import type { Kernel } from '../kernel/kernel'
import { callSiteError, type NativeRow } from '../kernel/native-row'
import { INITCALL_LEVELS, type InitcallLevel } from '../policy/ast'
import { PolicyError } from '../policy/value'

const INIT = 'init/main.c'

function setupArch(k: Kernel): void {
  const s = k.scenario
  k.step('parse_early_param', 'arch/arm64/kernel/setup.c', () => {
    const cmd = [`rodata=${s.cmdline.rodata}`]
    if (s.cmdline.debug_pagealloc) cmd.push('debug_pagealloc=on')
    if (s.cmdline.kfence) cmd.push('kfence.sample_interval=0')
    if (s.root === 'virtio-blk') cmd.push('root=/dev/vda')
    if (s.network) cmd.push('ip=dhcp')
    k.pr('notice', `Kernel command line: console=ttyAMA0 ${cmd.join(' ')}`)
  })
  k.step('arm64_memblock_init', 'arch/arm64/mm/init.c', () => {
    for (const r of s.machine.ram) k.memblock.addMemory(r.base, r.size)
    const ramStart = k.memblock.start()
    k.memblock.reserve(ramStart, SZ_2M, 'dtb')
    const image = k.kernelImage
    k.memblock.reserve(image.pa, image.size, 'kernel')
  })
  k.step('paging_init', 'arch/arm64/mm/mmu.c', () => {
    k.step('map_mem', 'arch/arm64/mm/mmu.c', () => k.call('map_mem'), true)
    snapshot(k, 'after map_mem')
  })
  k.step('bootmem_init', 'arch/arm64/mm/init.c', () => {
    for (const line of zoneRangeLines(k.zones)) k.pr('info', line)
  })
  k.step('psci_dt_init', 'drivers/firmware/psci/psci.c', () => {
    k.pr('info', 'psci: probing for conduit method from DT.')
    k.pr('info', 'psci: PSCIv1.1 detected in firmware.')
    k.smcccConduit = true
  })
  k.step('arm64_rsi_init', 'arch/arm64/kernel/rsi.c', () => k.call('arm64_rsi_init'), true)
  k.step('smp_init_cpus', 'arch/arm64/kernel/smp.c', () => {
    k.pr('info', `smp: ${k.cpus.length} CPUs described in the device tree`)
  })
}

function mmCoreInit(k: Kernel): void {
  k.step('arch_mm_preinit', 'arch/arm64/mm/init.c', () => {
    k.call('arch_mm_preinit')
    runExtraCallers(k, 'arch_mm_preinit')
  }, true)
  k.step('memblock_free_all', 'mm/memblock.c', () => {
    handOverToBuddy(k)
    k.closeWindow('blackout-1')
    const total = k.memblock.memory.reduce((n, r) => n + r.end - r.start, 0)
    k.pr('info', `Memory: ${(k.buddy!.freePages() * 4).toString()}K/${total / 1024}K available`)
  })
  k.step('mem_init', 'arch/arm64/mm/init.c', () => k.call('mem_init'), k.interp.defines('mem_init'))
  snapshot(k, 'after mem_init')
  k.step('kmem_cache_init', 'mm/slub.c', () => {
    k.slabAvailable = true
    k.pr('info', `SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=${k.cpus.length}, Nodes=1`)
  })
  k.step('vmalloc_init', 'mm/vmalloc.c', () => {})
}

/** do_one_initcall(): every initcall runs under it (do_basic_setup, do_initcalls and do_initcall_level are inlined). */
function initcall(k: Kernel, fn: string, file: string, body: () => void, policy = false): void {
  k.frame('do_one_initcall', INIT, () => k.step(fn, file, body, policy))
}

/** What runs on a CPU coming up: its starting callbacks (on it, before it is online) and its online callbacks (cpuhp/N). */
const CPU_HOOKS = (k: Kernel) => ({
  starting: (cpu: number) => runExtraCallers(k, 'cpu_starting', cpu),
  online: (cpu: number) => runExtraCallers(k, 'cpu_online', cpu),
})

/** kernel/smp.c smp_init(): bring the secondaries up, report, then arm64's smp_cpus_done(). */
function smpInit(k: Kernel): void {
  k.smpStarted = true
  k.openWindow('blackout-2', 'secondaries online, caps not final', 'A secondary CPU may lack BBML2_NOABORT and caps are not finalized yet: a live split could hit it.')
  k.pr('info', 'smp: Bringing up secondary CPUs ...')
  onlineSecondaries(k, CPU_HOOKS(k))
  k.pr('info', `smp: Brought up 1 node, ${k.onlineCpus()} CPU${k.onlineCpus() === 1 ? '' : 's'}`)
  // arch/arm64/kernel/smp.c smp_cpus_done(): the total, setup_system_features(), hyp_mode_check().
  k.step('smp_cpus_done', 'arch/arm64/kernel/smp.c', () => {
    k.pr('info', `SMP: Total of ${k.onlineCpus()} processors activated.`)
    k.step('setup_system_features', 'arch/arm64/kernel/cpufeature.c', () => {
      finalizeSystemCapabilities(k)
      k.closeWindow('blackout-2')
      k.step('linear_map_maybe_split_to_ptes', 'arch/arm64/mm/mmu.c', () => k.call('linear_map_maybe_split_to_ptes'), true)
      snapshot(k, 'after caps finalization')
    })
    k.pr('info', 'CPU: All CPU(s) started at EL1')
  })
}

/** The policy's own initcalls of `level` (`arch_initcall(fn);` ...), each a timeline step of its own. */
function policyInitcalls(k: Kernel, level: InitcallLevel): void {
  for (const c of k.interp.initcalls) {
    if (k.halted) return
    if (c.level !== level) continue
    if (!k.interp.defines(c.fn)) {
      throw new PolicyError({ severity: 'error', code: 'runtime', message: `${level}_initcall(${c.fn}): no function named '${c.fn}' in the policy`, file: c.file, line: c.span.line, column: c.span.column, endLine: c.span.endLine, endColumn: c.span.endColumn })
    }
    initcall(k, c.fn, c.file, () => k.call(c.fn), true)
  }
}

/** Kernel initcalls the model runs, by level (the rest of a real kernel's hundreds do nothing here). */
const KERNEL_INITCALLS: Partial<Record<InitcallLevel, (k: Kernel) => void>> = {
  postcore: (k) => initcall(k, 'dma_atomic_pool_init', 'kernel/dma/pool.c', () => dmaAtomicPoolInit(k)),
  device: (k) => {
    initcall(k, 'virtio_pci_probe', 'drivers/virtio/virtio_pci_common.c', () => probeVirtioDevices(k))
    k.step('do_initcalls', INIT, () => k.frame('do_one_initcall', INIT, () => runExtraCallers(k, 'device_initcall')))
  },
  late: (k) => initcall(k, 'ip_auto_config', 'net/ipv4/ipconfig.c', () => ipAutoConfig(k)),
}

function kernelInitFreeable(k: Kernel): void {
  k.step('smp_prepare_cpus', 'arch/arm64/kernel/smp.c', () => {})
  k.step('do_pre_smp_initcalls', INIT, () => {
    k.frame('do_one_initcall', INIT, () => runExtraCallers(k, 'early_initcall'))
    policyInitcalls(k, 'early')
  })
  k.step('smp_init', 'kernel/smp.c', () => smpInit(k))
  // do_basic_setup() → do_initcalls(): level by level, the kernel's own first, then the policy's.
  k.step('do_basic_setup', INIT, () => {
    for (const level of INITCALL_LEVELS.slice(1)) {
      KERNEL_INITCALLS[level]?.(k)
      policyInitcalls(k, level)
    }
  })
  k.step('prepare_namespace', 'init/do_mounts.c', () => mountRoot(k))
}

function startKernel(k: Kernel): void {
  const boot = k.cpus[0]
  k.pr('info', `Booting Linux on physical CPU 0x0000000000 [0x${boot.midr.toString(16)}]`)
  k.pr('notice', `Linux version ${k.scenario.kernel} (bootlab@model) #1 SMP PREEMPT`)
  k.pr('info', 'Machine model: linux,dummy-virt')
  k.openWindow('blackout-1', 'before the page allocator', 'Splitting needs page-table pages from the buddy allocator, which does not exist before memblock_free_all().')
  k.step('setup_arch', 'arch/arm64/kernel/setup.c', () => setupArch(k))
  k.step('smp_prepare_boot_cpu', 'arch/arm64/kernel/smp.c', () => bootCpuCapabilities(k))
  k.step('mm_core_init', 'mm/mm_init.c', () => mmCoreInit(k))
  k.step('sched_init', 'kernel/sched/core.c', () => {
    // init_idle(): the boot CPU's idle task becomes swapper/0.
    k.schedInitDone = true
  })
  k.step('init_IRQ', 'arch/arm64/kernel/irq.c', () => itsInit(k))
  k.step('time_init', 'arch/arm64/kernel/time.c', () => {
    k.clockRunning = true
    k.time = 0.000002
    k.pr('info', 'arch_timer: cp15 timer running at 62.50MHz (virt).')
  })
  // local_irq_enable(), before console_init().
  k.irqsEnabled = true
  k.step('console_init', 'kernel/printk/printk.c', () => k.pr('info', 'printk: legacy console [ttyAMA0] enabled'))
  k.step('rest_init', INIT, () => {})
  // rest_init() → user_mode_thread(kernel_init): PID 1, named after its parent until it execs.
  k.runAs({ pid: 1, comm: 'swapper/0', cpu: 0 }, [{ fn: 'ret_from_fork', file: 'arch/arm64/kernel/entry.S' }], () => kernelInit(k))
}

function kernelInit(k: Kernel): void {
  k.step('kernel_init', INIT, () => {
    k.step('kernel_init_freeable', INIT, () => kernelInitFreeable(k))
    k.step('free_initmem', 'arch/arm64/mm/init.c', () => {
      k.initFreed = true
      k.pr('info', `Freeing unused kernel memory: ${formatSize(4 * 1024 * 1024).replace(' ', '')}`)
    })
    k.step('mark_readonly', INIT, () => {
      k.rodataReadOnly = true
      k.pr('info', `Write protecting the kernel read-only data: ${k.kernelImage.size / 1024}k`)
    })
    checkRealmExposure(k)
    k.step('run_init_process', INIT, () => {
      k.userspace = true
      k.pr('info', 'Run /sbin/init as init process')
    })
    // CPUs the machine adds later: userspace onlines each (echo 1 > .../cpuN/online) → cpu_up().
    for (const cpu of k.cpus.filter((c) => c.hotplug)) k.step('cpu_up', 'kernel/cpu.c', () => cpuUp(k, cpu, CPU_HOOKS(k)))
  })
}

export const TIMELINE_NATIVES: NativeRow[] = [
  {
    name: 'start_kernel',
    arity: 0,
    file: INIT,
    doc: 'The boot: setup_arch, mm_core_init, init_IRQ, ... rest_init → kernel_init.',
    impl: (k, ctx) => {
      // The boot CPU enters it once from head.S; a call from policy code would boot again inside the boot.
      if (ctx.callSite()) throw callSiteError(ctx, 'start_kernel', 'start_kernel() is the boot itself, entered once from head.S: a policy cannot call it')
      startKernel(k)
    },
  },
  { name: 'mem_init', arity: 0, file: 'mm/mm_init.c', doc: 'Generic empty weak mem_init(); arm64 gained its own in the fix (f12b435de2f2).', impl: () => {} },
]
