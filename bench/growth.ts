/*
 * Growth tables (issue 16): how a boot's cost grows with the machine. Each row boots a
 * scenario derived from a bundled one, a few times after a warm-up boot, and records
 * the median, the work the model did (policy steps, decrypt calls) and the verdict, so
 * a cliff shows as a per-unit cost that climbs down the table.
 *
 * - decrypts: the realm with N scenario users of set_memory_decrypted() at device_initcall,
 *   each a fresh buddy allocation: 12 KiB of an order-2 block (3 pages shared, 1 private,
 *   repeated: "gapped") or 4 KiB pages (adjacent: "contiguous").
 * - CPUs: the realm with N CPUs (each brought online, each sharing its ITS tables).
 * - RAM: host-1t resized (harness.ts, with heap and table census).
 */
import { boot, type KernelPolicy, type Scenario, type ScenarioInput, validateScenario } from '../src/core'
import { sampleWallAndCpu, type Timing } from './measure'

export interface GrowthRow {
  table: 'decrypts-gapped' | 'decrypts-contiguous' | 'cpus'
  /** Decrypt users, or CPUs. */
  n: number
  /** Wall time per boot. */
  boot: Timing
  /** CPU time per boot: robust to the machine's load; the goals are judged on it. */
  cpu: Timing
  /** Median CPU ms divided by n. */
  perUnitMs: number
  policySteps: number
  decryptCalls: number
  verdict: string
}

const REALM: ScenarioInput = {
  name: 'realm-grown',
  kernel: '7.0.0-rc4',
  machine: { ram: [{ base: 0x40000000, size: '4G' }], cpus: [{ model: 'neoverse-v3', revision: 'r0p2', count: 4 }], kernelImage: { base: 0x40200000, size: '24M' } },
  realm: true,
}

function scenario(input: ScenarioInput): Scenario {
  const parsed = validateScenario(input, `${input.name}.yaml`)
  if (!parsed.scenario) throw new Error(JSON.stringify(parsed.errors))
  return parsed.scenario
}

export function decryptScenario(n: number, pattern: 'gapped' | 'contiguous'): Scenario {
  const size = pattern === 'gapped' ? '12K' : '4K'
  return scenario({ ...REALM, name: `realm-${n}-${pattern}`, extraCallers: Array.from({ length: n }, (_, i) => ({ name: `buffer_${i}`, at: 'device_initcall' as const, size })) })
}

export function cpuScenario(n: number): Scenario {
  return scenario({ ...REALM, name: `realm-${n}-cpus`, machine: { ...REALM.machine, cpus: [{ model: 'neoverse-v3', revision: 'r0p2', count: n }] } })
}

function row(table: GrowthRow['table'], n: number, s: Scenario, policy: KernelPolicy, samples: number): GrowthRow {
  const timing = sampleWallAndCpu(() => boot(s, policy), samples, 1, () => globalThis.gc?.())
  const r = boot(s, policy)
  return { table, n, boot: timing.wall, cpu: timing.cpu, perUnitMs: timing.cpu.medianMs / n, policySteps: r.counters.policySteps, decryptCalls: r.counters.decryptCalls, verdict: r.verdict.status }
}

/** Fewer samples for the big rows: a 10,000-decrypt boot takes a large fraction of a second. */
const samplesFor = (n: number) => (n >= 3000 ? 3 : n >= 1000 ? 5 : 15)

export function growthTables(policy: KernelPolicy, decrypts: number[], cpus: number[], quick: boolean): GrowthRow[] {
  const rows: GrowthRow[] = []
  const samples = (n: number) => (quick ? 1 : samplesFor(n))
  for (const pattern of ['gapped', 'contiguous'] as const) for (const n of decrypts) rows.push(row(`decrypts-${pattern}`, n, decryptScenario(n, pattern), policy, samples(n)))
  for (const n of cpus) rows.push(row('cpus', n, cpuScenario(n), policy, samples(n)))
  return rows
}
