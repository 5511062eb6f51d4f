/*
 * The scenario panel's form: the fields a learner edits (strings where they type
 * sizes and addresses, as a scenario file would have them), made from a parsed
 * scenario and turned back into scenario data for the core's validateScenario.
 * Fields the panel does not show (name, kernel, kernel image, IPA bits) come
 * from the scenario the form was made from.
 */
import type { Scenario, ScenarioInput } from '../core'

export interface ScenarioForm {
  ram: { base: string; size: string }[]
  cpus: { model: string; revision: string; count: number }[]
  realm: boolean
  rodata: Scenario['cmdline']['rodata']
  debugPagealloc: boolean
  kfence: boolean
  swiotlb: string
  root: Scenario['root']
  network: boolean
  extraCallers: { name: string; at: Scenario['extraCallers'][number]['at']; cpu: number | null; size: string; hypothetical: boolean }[]
}

const SIZE_SUFFIXES: [number, string][] = [
  [2 ** 40, 'T'],
  [2 ** 30, 'G'],
  [2 ** 20, 'M'],
  [2 ** 10, 'K'],
]

/** Bytes as a scenario file writes them: `4G`, `64M`, `96K`, or hex when no unit divides. */
export function sizeText(bytes: number): string {
  const unit = SIZE_SUFFIXES.find(([u]) => bytes >= u && bytes % u === 0)
  return unit ? `${bytes / unit[0]}${unit[1]}` : `0x${bytes.toString(16)}`
}

export const addressText = (address: number) => `0x${address.toString(16)}`

export function formOf(s: Scenario): ScenarioForm {
  return {
    ram: s.machine.ram.map((r) => ({ base: addressText(r.base), size: sizeText(r.size) })),
    cpus: s.machine.cpus.map((c) => ({ model: c.model, revision: c.revision, count: c.count })),
    realm: s.realm,
    rodata: s.cmdline.rodata,
    debugPagealloc: s.cmdline.debug_pagealloc,
    kfence: s.cmdline.kfence,
    swiotlb: sizeText(s.cmdline.swiotlb),
    root: s.root,
    network: s.network,
    extraCallers: s.extraCallers.map((c) => ({ name: c.name, at: c.at, cpu: c.cpu ?? null, size: sizeText(c.size), hypothetical: c.hypothetical })),
  }
}

/** The form as scenario data, over the scenario it was made from. */
export function scenarioOf(form: ScenarioForm, from: Scenario): ScenarioInput {
  return {
    name: from.name,
    title: from.title,
    description: from.description,
    kernel: from.kernel,
    machine: {
      ram: form.ram.map((r) => ({ base: r.base.trim(), size: r.size.trim() })),
      cpus: form.cpus.map((c) => ({ model: c.model, revision: c.revision.trim(), count: c.count })),
      kernelImage: from.machine.kernelImage,
      ipaBits: from.machine.ipaBits,
    },
    realm: form.realm,
    cmdline: { rodata: form.rodata, debug_pagealloc: form.debugPagealloc, kfence: form.kfence, swiotlb: form.swiotlb.trim() },
    root: form.root,
    network: form.network,
    extraCallers: form.extraCallers.map((c) => ({
      name: c.name,
      at: c.at,
      ...(c.cpu === null ? {} : { cpu: c.cpu }),
      size: c.size.trim(),
      hypothetical: c.hypothetical,
    })),
  }
}

/** Where each CPU row's CPUs are numbered: row 0 starts with the boot CPU, CPU 0. */
export function cpuNumbers(cpus: readonly { count: number }[]): { first: number; last: number }[] {
  let next = 0
  return cpus.map((c) => {
    const count = Number.isInteger(c.count) && c.count > 0 ? c.count : 0
    const numbers = { first: next, last: next + count - 1 }
    next += count
    return numbers
  })
}
