/*
 * Seeded variants: N random machines derived from one scenario (RAM size and
 * bank layout, CPU mix), so a policy tuned to one machine's addresses or CPUs
 * does not pass a lab. The same seed always gives the same machines (a
 * mulberry32 stream, consumed in a fixed order); each machine goes through the
 * core's scenario schema like any hand-written one.
 */
import { type Scenario, type ScenarioError, type ScenarioInput, validateScenario } from '../core'
import type { CpuChoice, VariantSpec } from './schema'

const SZ_2M = 2 ** 21
const SZ_1G = 2 ** 30
/** The smallest bank a split produces: room for the kernel image, the swiotlb pool and the rest of boot. */
const MIN_BANK = 512 * 2 ** 20

/** mulberry32: a tiny 32-bit PRNG; uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

interface Draw {
  int(min: number, max: number): number
  pick<T>(choices: readonly T[]): T
}

function drawFrom(random: () => number): Draw {
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1))
  return { int, pick: (choices) => choices[int(0, choices.length - 1)] }
}

/** Problems a spec has against its base machine, as {path, message} under `variants`. */
export function variantSpecProblems(spec: VariantSpec, base: Scenario): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = []
  const mostBanks = Math.max(...spec.banks)
  for (const [i, total] of (spec.ram ?? []).entries()) {
    if (total < mostBanks * MIN_BANK) problems.push({ path: `ram.${i}`, message: `${total / 2 ** 20} MiB cannot be split into ${mostBanks} banks of at least 512 MiB` })
  }
  const image = base.machine.kernelImage
  const ramStart = base.machine.ram[0].base
  if (spec.ram && image && image.base + image.size > ramStart + MIN_BANK) {
    problems.push({ path: 'ram', message: `the base machine's kernel image must lie in the first 512 MiB of RAM for its RAM to be varied` })
  }
  const highestCallerCpu = Math.max(0, ...base.extraCallers.filter((c) => c.at === 'cpu_online').map((c) => c.cpu ?? 1))
  if (spec.cpus && spec.cpus.count.min <= highestCallerCpu) {
    problems.push({ path: 'cpus.count.min', message: `the base machine has a caller on CPU ${highestCallerCpu}, so every variant needs at least ${highestCallerCpu + 1} CPUs` })
  }
  return problems
}

/** Bank sizes (2 MiB multiples, each at least MIN_BANK) adding up to `total`. */
function bankSizes(draw: Draw, total: number, banks: number): number[] {
  let spare = (total - banks * MIN_BANK) / SZ_2M
  const sizes: number[] = []
  for (let b = 0; b < banks - 1; b++) {
    const extra = draw.int(0, spare)
    sizes.push(MIN_BANK + extra * SZ_2M)
    spare -= extra
  }
  sizes.push(MIN_BANK + spare * SZ_2M)
  return sizes
}

/** Banks from the base's RAM start; each later bank after a hole, at a random 2 MiB (not 1 GiB) boundary. */
function ramLayout(draw: Draw, start: number, sizes: number[]): { base: number; size: number }[] {
  const banks: { base: number; size: number }[] = []
  let base = start
  for (const size of sizes) {
    banks.push({ base, size })
    const end = base + size
    base = Math.ceil(end / SZ_1G) * SZ_1G + SZ_1G + draw.int(0, 511) * SZ_2M
  }
  return banks
}

/** The CPU list with runs of the same model and revision merged (`count`), as a scenario writes it. */
function cpuList(draw: Draw, cpus: NonNullable<VariantSpec['cpus']>): ScenarioInput['machine']['cpus'] {
  const chosen: CpuChoice[] = [draw.pick(cpus.boot)]
  const n = draw.int(cpus.count.min, cpus.count.max)
  for (let i = 1; i < n; i++) chosen.push(draw.pick(cpus.secondary))
  const runs: { model: string; revision: string; count: number }[] = []
  for (const c of chosen) {
    const last = runs[runs.length - 1]
    if (last && last.model === c.model && last.revision === c.revision) last.count++
    else runs.push({ ...c, count: 1 })
  }
  return runs
}

const gib = (bytes: number) => `${+(bytes / SZ_1G).toFixed(2)} GiB`

function machineSummary(ram: { size: number }[], cpus: ScenarioInput['machine']['cpus']): string {
  const total = ram.reduce((n, r) => n + r.size, 0)
  const cpuText = cpus.map((c) => `${c.model} ${c.revision}${(c.count ?? 1) > 1 ? ` ×${c.count}` : ''}`).join(', ')
  return `${gib(total)} in ${ram.length} bank${ram.length > 1 ? 's' : ''}; CPUs: ${cpuText}`
}

export interface VariantMachines {
  scenarios: Scenario[]
  errors: ScenarioError[]
}

/** `spec.count` machines derived from `base`, named `<base>-seed<seed>-<n>`. */
export function generateVariants(spec: VariantSpec, base: Scenario, file: string): VariantMachines {
  const draw = drawFrom(mulberry32(spec.seed))
  const out: VariantMachines = { scenarios: [], errors: [] }
  for (let i = 0; i < spec.count; i++) {
    const ram = spec.ram ? ramLayout(draw, base.machine.ram[0].base, bankSizes(draw, draw.pick(spec.ram), draw.pick(spec.banks))) : base.machine.ram
    const cpus = spec.cpus ? cpuList(draw, spec.cpus) : base.machine.cpus
    const name = `${base.name}-seed${spec.seed}-${i + 1}`
    const input: ScenarioInput = {
      ...base,
      name,
      title: `${base.name}, variant ${i + 1} of seed ${spec.seed}: ${machineSummary(ram, cpus)}`,
      description: `Generated from ${base.name} by the lab's variants (seed ${spec.seed}); everything not listed in the title is as in ${base.name}.`,
      machine: { ...base.machine, ram, cpus },
    }
    const parsed = validateScenario(input, `${file} (${name})`)
    if (parsed.scenario) out.scenarios.push(parsed.scenario)
    out.errors.push(...parsed.errors)
  }
  return out
}
