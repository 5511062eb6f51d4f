/*
 * What a boot's page table is made of in memory: how many table pages the model counts (as
 * the kernel would allocate them) against how many table objects it actually holds, and in
 * which form (see src/core/pgtable/table.ts). boot() does not hand out its Kernel, so this
 * runs boot()'s own steps keeping it, and checks its counters against boot()'s result.
 */
import { boot, type BootResult, type KernelPolicy, type Scenario } from '../src/core'
import { KERNEL_HOOKS } from '../src/core/boot/boot'
import { Kernel } from '../src/core/kernel/kernel'
import { bindNatives } from '../src/core/boot/natives'
import { PTRS_PER_TABLE } from '../src/core/memory/addr'
import { counters } from '../src/core/pgtable'
import type { PgTable } from '../src/core/pgtable/table'
import { Interpreter, KernelHalt } from '../src/core/policy'

export interface TableCensus {
  /** Table pages the model counts: PUD + PMD + PTE tables (swapper_pg_dir excluded). */
  tablesCounted: number
  /** PgTable objects that exist, swapper_pg_dir included. */
  tableObjects: number
  /** Objects that are one uniform run of leaves (no per-entry storage). */
  runTables: number
  /** PMD objects standing for 512 uniform PTE tables each, which exist only as that descriptor. */
  tableRunTables: number
  /** Objects with per-entry typed arrays. */
  denseTables: number
  /** Entries held in typed arrays: 512 per dense table. */
  entriesStored: number
}

/** boot()'s start_kernel() run (src/core/boot/boot.ts), keeping the Kernel. */
function bootKeepingKernel(scenario: Scenario, policy: KernelPolicy): Kernel {
  if (!policy.program) throw new Error(`policy ${policy.name} did not compile`)
  const k = new Kernel(scenario, KERNEL_HOOKS)
  k.interp = new Interpreter(policy.program, bindNatives(k), { maxSteps: 200_000 })
  try {
    k.call('start_kernel')
  } catch (e) {
    if (!(e instanceof KernelHalt)) throw e
  }
  return k
}

function visit(table: PgTable, census: TableCensus): void {
  census.tableObjects++
  if (table.leafRun()) census.runTables++
  else if (table.tableRun()) census.tableRunTables++
  else {
    census.denseTables++
    census.entriesStored += PTRS_PER_TABLE
  }
  for (let i = 0; i < PTRS_PER_TABLE; i++) {
    const child = table.childIfReal(i)
    if (child) visit(child, census)
  }
}

export function tableCensus(scenario: Scenario, policy: KernelPolicy): TableCensus {
  const k = bootKeepingKernel(scenario, policy)
  const expected: BootResult['counters'] = boot(scenario, policy).counters
  const c = counters(k.pt)
  if (c.pudTables !== expected.pudTables || c.pmdTables !== expected.pmdTables || c.pteTables !== expected.pteTables || c.ptes !== expected.ptes) {
    throw new Error(`census boot of ${scenario.name} diverged from boot(): ${JSON.stringify(c)} vs ${JSON.stringify(expected)}`)
  }
  const census: TableCensus = {
    tablesCounted: c.pudTables + c.pmdTables + c.pteTables,
    tableObjects: 0,
    runTables: 0,
    tableRunTables: 0,
    denseTables: 0,
    entriesStored: 0,
  }
  visit(k.pt.pgd, census)
  return census
}
