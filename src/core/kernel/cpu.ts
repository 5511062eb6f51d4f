/*
 * The machine's CPUs as the boot sees them: each with its MIDR (cputype.h
 * MIDR_CPU_MODEL + revision) and whether it is on the BBML2_NOABORT allow-list
 * (arch/arm64/kernel/cpufeature.c bbml2_midr_list), and the cpumask bits the
 * kernel keeps for it (online, running). The boot CPU starts online and
 * running; secondaries are brought up by smp_init() or, for hot-plug ones, by
 * cpu_up() after boot.
 */
import { cpuModel, midr, modelHasBbml2Noabort } from '../cpufeature/cputable'
import type { Scenario } from '../scenario/schema'

export interface CpuState {
  id: number
  model: string
  revision: string
  midr: number
  /** cpu_supports_bbml2_noabort() on this CPU: the MIDR allow-list match. */
  bbml2: boolean
  /** In cpu_online_mask: what num_online_cpus() counts. */
  online: boolean
  /** Running with its MMU on (from secondary_start_kernel(), before set_cpu_online()). */
  running: boolean
  /** Brought up only after boot, by cpu_up(). */
  hotplug: boolean
  /** Parked in the idmap by the stop_machine repaint: not using the linear map. */
  parked: boolean
}

/** The scenario's CPUs in id order, the boot CPU (0) online and running. */
export function machineCpus(scenario: Scenario): CpuState[] {
  const cpus: CpuState[] = []
  for (const group of scenario.machine.cpus) {
    const model = cpuModel(group.model)
    for (let n = 0; n < group.count; n++) {
      cpus.push({
        id: cpus.length,
        model: group.model,
        revision: group.revision,
        midr: midr(model, group.revision),
        bbml2: modelHasBbml2Noabort(model, group.revision),
        online: false,
        running: false,
        hotplug: group.hotplug,
        parked: false,
      })
    }
  }
  cpus[0].online = true
  cpus[0].running = true
  return cpus
}
