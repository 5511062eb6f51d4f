/*
 * CPUs brought up after boot, and the bring-up window (arch/arm64/kernel/smp.c
 * secondary_start_kernel(), arch/arm64/kernel/cpufeature.c check_local_cpu_capabilities()
 * → verify_local_cpu_caps(), cpu_die_early(); __cpu_up()'s messages):
 * - BBML2_NOABORT is an EARLY_LOCAL_CPU_FEATURE: permitted for late CPUs that have it, not
 *   optional for late CPUs that lack it. A hot-plugged CPU lacking it while the system has it
 *   is refused: "CPU%d: Detected conflict for capability %d (%s), System: %d, CPU: %d",
 *   "CPU%d: will not boot", then on the boot CPU "CPU%u: failed to come online" and
 *   "CPU%u: died during early boot". The linear map is not touched.
 * - One that has it while the system does not is allowed.
 * - secondary_start_kernel() runs notify_cpu_starting() before set_cpu_online(), so a
 *   CPU-starting callback on CPU1 sees num_online_cpus() == 1: the merged fix's check
 *   does not stop a split while CPU1, lacking BBML2_NOABORT, already runs.
 */
import { describe, expect, it } from 'vitest'
import type { BootResult, ScenarioInput } from '../../../src/core'
import { bootWith } from '../../helpers/boot'

const machine = (cpus: ScenarioInput['machine']['cpus'], extra: Partial<ScenarioInput> = {}): ScenarioInput => ({
  name: 'hotplug',
  kernel: '7.0.0-rc4',
  machine: { ram: [{ base: 0x40000000, size: '4G' }], cpus, kernelImage: { base: 0x40200000, size: '24M' } },
  realm: true,
  ...extra,
})
const V3 = { model: 'neoverse-v3', revision: 'r0p2' } as const
const N2 = { model: 'neoverse-n2', revision: 'r0p0' } as const
const text = (r: BootResult) => r.console.map((l) => l.text)
const lastMap = (r: BootResult) => r.snapshots[r.snapshots.length - 1].extents

describe('hot-plugged CPUs', () => {
  it('system has BBML2_NOABORT, the late CPU lacks it: refused and parked with the kernel\'s messages; the map is untouched', async () => {
    const r = await bootWith(machine([{ ...V3, count: 4 }, { ...N2, count: 1, hotplug: true }]), '/* Builds on: series */\n')
    const t = text(r)
    const at = t.indexOf('CPU4: Detected conflict for capability 33 (BBM Level 2 without conflict abort), System: 1, CPU: 0')
    expect(at).toBeGreaterThan(t.indexOf('Run /sbin/init as init process'))
    expect(t.slice(at + 1, at + 4)).toEqual(['CPU4: will not boot', 'CPU4: failed to come online', 'CPU4: died during early boot'])
    expect(t.some((l) => l.startsWith('CPU4: Booted secondary processor'))).toBe(false)
    const up = r.steps.find((s) => s.fn === 'cpu_up')!
    expect(up.onlineCpus).toBe(4)
    expect(r.verdict.status).toBe('booted')
    // Blocks stay blocks: the refused CPU never ran on the linear map, no repaint.
    expect(r.counters.repaint.happened).toBe(false)
    // The same machine whose late CPU has BBML2_NOABORT (allowed): bring-up never touches the map either way
    // (the ITS allocated a pending table for each possible CPU in both).
    const allowed = await bootWith(machine([{ ...V3, count: 4 }, { ...V3, count: 1, hotplug: true }]), '/* Builds on: series */\n')
    expect(text(allowed)).toContain('CPU4: Booted secondary processor 0x0000000004 [0x410fd842]')
    expect(lastMap(r)).toEqual(lastMap(allowed))
  })

  it('system lacks BBML2_NOABORT (an early N2 cleared it), the late CPU has it: allowed, and the map stays PTEs', async () => {
    const r = await bootWith(machine([{ ...V3, count: 2 }, { ...N2, count: 1 }, { ...V3, count: 1, hotplug: true }]), '/* Builds on: series */\n')
    const t = text(r)
    expect(t.some((l) => l.startsWith('CPU features: detected: BBM Level 2'))).toBe(false)
    expect(t.filter((l) => l.startsWith('CPU3: Booted secondary processor'))).toHaveLength(1)
    expect(t.indexOf('CPU3: Booted secondary processor 0x0000000003 [0x410fd842]')).toBeGreaterThan(t.indexOf('Run /sbin/init as init process'))
    expect(t.some((l) => l.includes('Detected conflict'))).toBe(false)
    expect(r.counters.repaint.happened).toBe(true)
    expect(r.verdict.status).toBe('booted')
  })

  it('system lacks it and so does the late CPU: no conflict, it boots', async () => {
    const r = await bootWith(machine([{ ...V3, count: 1 }, { ...N2, count: 1 }, { ...N2, count: 1, hotplug: true }]), '/* Builds on: series */\n')
    expect(text(r)).toContain('CPU2: Booted secondary processor 0x0000000002 [0x410fd490]')
  })
})

describe('the bring-up window', () => {
  it('a CPU-starting callback on CPU1 (lacking BBML2_NOABORT) sees one CPU online: the merged check lets the split run, and CPU1 takes the abort', async () => {
    const r = await bootWith(
      machine([{ ...V3, count: 1 }, { ...N2, count: 1 }, { ...V3, count: 2 }], {
        extraCallers: [{ name: 'starting_share', at: 'cpu_starting', cpu: 1, size: '96K' }],
      }),
      '/* Builds on: series */\n',
    )
    // No WARN_ON(num_online_cpus() > 1): the count was 1 while CPU1 ran its starting callback.
    expect(r.splats.filter((s) => s.kind === 'warn')).toEqual([])
    const fault = r.faults.find((f) => f.kind === 'tlb-conflict')!
    expect(fault.message).toContain('CPU1')
    const oops = r.splats.find((s) => s.kind === 'oops')!
    expect(oops.cpu).toBe(1)
    // On CPU1's idle task, IRQs masked, from secondary_start_kernel → notify_cpu_starting.
    const lines = r.console.slice(oops.lines[0], oops.lines[1] + 1).map((l) => l.text)
    expect(lines).toContain('CPU: 1 UID: 0 PID: 0 Comm: swapper/1 Not tainted 7.0.0-rc4 #1 PREEMPT ')
    expect(oops.trace.map((f) => f.fn).slice(-4)).toEqual(['cpuhp_invoke_callback', 'notify_cpu_starting', 'secondary_start_kernel', '__secondary_switched'])
    // CPU1 never reached "Booted secondary processor".
    expect(r.console.some((l) => l.text.startsWith('CPU1: Booted'))).toBe(false)
    expect(r.verdict.headline).toContain('Attempted to kill the idle task!')
  })
})
