/*
 * System capabilities for BBML2_NOABORT (arch/arm64/kernel/cpufeature.c).
 *
 * ARM64_HAS_BBML2_NOABORT is an EARLY_LOCAL_CPU_FEATURE with
 * MATCH_ALL_EARLY_CPUS: the bit is set while probing the boot CPU and cleared
 * when an early secondary fails the match, so no secondary can turn it on.
 * system_supports_bbml2_noabort() reads it through alternatives and is false
 * until caps are finalized in setup_system_features() (kernel reference §3).
 */
import type { CpuState, Kernel } from '../kernel/kernel'
import { bool, type NativeRow } from '../kernel/native-row'

const CPUFEATURE = 'arch/arm64/kernel/cpufeature.c'

/** Where a cpuhp/N thread's callbacks run from: kthread → smpboot_thread_fn → cpuhp_thread_fun. */
const CPUHP_THREAD = [
  { fn: 'ret_from_fork', file: 'arch/arm64/kernel/entry.S' },
  { fn: 'kthread', file: 'kernel/kthread.c' },
  { fn: 'smpboot_thread_fn', file: 'kernel/smpboot.c' },
  { fn: 'cpuhp_thread_fun', file: 'kernel/cpu.c' },
  { fn: 'cpuhp_invoke_callback', file: 'kernel/cpu.c' },
]

/** Placeholder PID of cpuhp/N: the per-CPU kthreads (cpuhp, migration, ksoftirqd, kworkers) come in fives after the early ones. */
export const cpuhpPid = (cpu: number) => 18 + 5 * cpu

export function bootCpuCapabilities(k: Kernel): void {
  k.bbml2Cap = k.cpus[0].bbml2
}

/** Where a starting CPU's own code runs: its idle task, from the secondary entry point, IRQs masked. */
const SECONDARY_START = [
  { fn: '__secondary_switched', file: 'arch/arm64/kernel/head.S' },
  { fn: 'secondary_start_kernel', file: 'arch/arm64/kernel/smp.c' },
]
const STARTING_CALLBACK = [...SECONDARY_START, { fn: 'notify_cpu_starting', file: 'kernel/cpu.c' }, { fn: 'cpuhp_invoke_callback', file: 'kernel/cpu.c' }]

/** The capability's number in arch/arm64/tools/cpucaps, as the conflict message prints it (placeholder, docs/model.md). */
const ARM64_HAS_BBML2_NOABORT = 33
const BBML2_DESC = 'BBM Level 2 without conflict abort'

/**
 * secondary_start_kernel() on `cpu` (arch/arm64/kernel/smp.c), then the boot CPU's
 * view. check_local_cpu_capabilities(): before caps are final, an early CPU
 * lacking BBML2_NOABORT clears the bit (MATCH_ALL_EARLY_CPUS); after, a late CPU
 * is verified against the system (verify_local_cpu_caps()): lacking a capability
 * the system has (not optional for late CPUs) → "Detected conflict", cpu_die_early();
 * having one the system lacks is permitted (ARM64_CPUCAP_PERMITTED_FOR_LATE_CPU).
 * Then the CPU-starting callbacks run on it, still not in cpu_online_mask (the
 * window where num_online_cpus() misses a running CPU), it prints "Booted
 * secondary processor", set_cpu_online(), and its online callbacks run in cpuhp/N.
 * Returns whether the CPU came online.
 */
function bringUp(k: Kernel, cpu: CpuState, hooks: { starting: (cpu: number) => void; online: (cpu: number) => void }): boolean {
  cpu.running = true
  if (!k.capsFinalized) {
    if (!cpu.bbml2) k.bbml2Cap = false
  } else if (k.bbml2Cap && !cpu.bbml2) {
    k.pr('crit', `CPU${cpu.id}: Detected conflict for capability ${ARM64_HAS_BBML2_NOABORT} (${BBML2_DESC}), System: 1, CPU: 0`)
    // cpu_die_early(): marked not present, then (HOTPLUG_CPU) it asks to be killed.
    k.pr('crit', `CPU${cpu.id}: will not boot`)
    cpu.running = false
    // __cpu_up() on the boot CPU: cpu_running never completes; status CPU_KILL_ME, op_cpu_kill() succeeds.
    k.pr('crit', `CPU${cpu.id}: failed to come online`)
    k.pr('crit', `CPU${cpu.id}: died during early boot`)
    return false
  }
  k.runAs({ pid: 0, comm: `swapper/${cpu.id}`, cpu: cpu.id, irqsOff: true }, STARTING_CALLBACK, () => hooks.starting(cpu.id))
  if (k.halted) return false
  k.pr('info', `CPU${cpu.id}: Booted secondary processor 0x${cpu.id.toString(16).padStart(10, '0')} [0x${cpu.midr.toString(16)}]`)
  k.bringOnline(cpu)
  k.events.push({ kind: 'cpu-online', cpu: cpu.id, bbml2: cpu.bbml2, step: k.currentStep(), online: k.onlineCpus() })
  // The CPU's online callbacks run in its hotplug thread, cpuhp/N (kernel/cpu.c cpuhp_thread_fun()).
  k.runAs({ pid: cpuhpPid(cpu.id), comm: `cpuhp/${cpu.id}`, cpu: cpu.id }, CPUHP_THREAD, () => hooks.online(cpu.id))
  return true
}

/** smp_init() → bringup_nonboot_cpus(): every secondary present at boot, in turn. */
export function onlineSecondaries(k: Kernel, hooks: { starting: (cpu: number) => void; online: (cpu: number) => void }): void {
  for (const cpu of k.cpus.slice(1)) {
    if (k.halted) return
    if (!cpu.hotplug) bringUp(k, cpu, hooks)
  }
}

/** cpu_up() for a CPU brought online after boot (kernel/cpu.c → arch/arm64 __cpu_up()). */
export function cpuUp(k: Kernel, cpu: CpuState, hooks: { starting: (cpu: number) => void; online: (cpu: number) => void }): boolean {
  return bringUp(k, cpu, hooks)
}

export function finalizeSystemCapabilities(k: Kernel): void {
  k.capsFinalized = true
  k.events.push({ kind: 'caps-finalized', step: k.currentStep(), bbml2System: k.bbml2Cap })
  // The capability's .desc in arm64_features[] (verified in the patch text of the BBML2_NOABORT series).
  if (k.bbml2Cap) k.pr('info', 'CPU features: detected: BBM Level 2 without conflict abort')
}

export const CPUFEATURE_NATIVES: NativeRow[] = [
  {
    name: 'cpu_supports_bbml2_noabort',
    arity: 0,
    file: CPUFEATURE,
    doc: 'Does the CPU this code runs on have BBML2_NOABORT? The MIDR allow-list match; callable any time.',
    impl: (k) => bool(k.cpus[k.currentCpu].bbml2),
  },
  {
    name: 'system_supports_bbml2_noabort',
    arity: 0,
    file: CPUFEATURE,
    doc: 'The system capability ARM64_HAS_BBML2_NOABORT: false until caps are finalized, even if every CPU has it.',
    impl: (k) => bool(k.capsFinalized && k.bbml2Cap),
  },
  {
    name: 'system_capabilities_finalized',
    arity: 0,
    file: CPUFEATURE,
    doc: 'True once setup_system_features() has applied the system alternatives (after smp_init).',
    unverified: true,
    impl: (k) => bool(k.capsFinalized),
  },
  {
    name: 'num_online_cpus',
    arity: 0,
    file: 'include/linux/cpumask.h',
    doc: 'CPUs marked online. 1 until smp_init() brings up secondaries.',
    impl: (k) => BigInt(k.onlineCpus()),
  },
  {
    name: 'smp_processor_id',
    arity: 0,
    file: 'include/linux/smp.h',
    doc: 'The CPU this code runs on.',
    impl: (k) => BigInt(k.currentCpu),
  },
]
