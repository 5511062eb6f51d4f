/*
 * The kernel page tables as one object: swapper_pg_dir (init_mm.pgd, the static PGD in the
 * kernel image, never allocated) plus the bookkeeping the simulator reports.
 *
 * In the kernel, table pages come from the pgtable_alloc callback each mapping or split
 * call is given (early_pgtable_alloc from memblock, __pgd_pgtable_alloc from the page
 * allocator), one page per call. The model keeps that callback shape but lets one call ask
 * for `count` consecutive pages so a repaint can allocate the 512 PTE tables of a GiB at
 * once. Counters the kernel does not keep (leaves by kind, tables by allocator, splits)
 * are maintained incrementally here; nothing ever visits every entry to count.
 */
import type { PgtableCounters } from '../result'
import { type PhysAddr, phys } from '../memory/addr'
import { DEFAULT_NS_SHARED_BIT } from './prot'
import { type LeafCounts, PgTable } from './table'

/** enum pgtable_type: which level the requested table page is for. */
export type PgtableType = 'TABLE_PUD' | 'TABLE_PMD' | 'TABLE_PTE'

export interface TablePages {
  /** First of the `count` consecutive, page-aligned pages. */
  pa: PhysAddr
  /** The allocator that gave them, for tablePagesByAllocator. */
  source: 'memblock' | 'buddy'
}

/**
 * The caller's pgtable_alloc: `count` consecutive zeroed table pages, or null (and nothing
 * allocated) when out of memory. It must honour `count`; the model asks for more than one
 * page only where the kernel would make that many one-page calls in a row.
 */
export type PgtableAlloc = (type: PgtableType, count: number) => TablePages | null

export type SplitKind = 'pud' | 'contpmd' | 'pmd' | 'contpte'

/**
 * One split (split_pud/split_contpmd/split_pmd/split_contpte), or `count` splits of the
 * same kind done in bulk over [va, va + size) by the repaint.
 */
export interface SplitEvent {
  kind: SplitKind
  va: number
  size: number
  count: number
}

export interface PageTableOptions {
  /** Bit position of PROT_NS_SHARED (the realm's top IPA bit). */
  nsSharedBit?: number
  /** PA of swapper_pg_dir, for the table PAs lookup() prints. */
  swapperPgDirPa?: PhysAddr
  onSplit?: (e: SplitEvent) => void
}

/** pgdp=0000000081f3f000 in the 2/3 patch's crash log; boot passes the scenario's own. */
const DEFAULT_SWAPPER_PG_DIR = phys(0x81f3f000)

export class PageTable {
  readonly nsSharedBit: number
  /** swapper_pg_dir. */
  readonly pgd: PgTable
  readonly leaves: LeafCounts = { pudBlocks: 0, pmdBlocks: 0, contPmdRuns: 0, ptes: 0, contPteRuns: 0 }
  readonly tables = { pud: 0, pmd: 0, pte: 0 }
  readonly tablesByAllocator = { memblock: 0, buddy: 0 }
  readonly splits = { pud: 0, contPmd: 0, pmd: 0, contPte: 0 }
  /** Told about every split so the caller can check the BBML2 invariant. */
  onSplit: ((e: SplitEvent) => void) | null

  constructor(opts: PageTableOptions = {}) {
    this.nsSharedBit = opts.nsSharedBit ?? DEFAULT_NS_SHARED_BIT
    if (!Number.isInteger(this.nsSharedBit) || this.nsSharedBit < 12 || this.nsSharedBit > 47) {
      throw new Error(`NS_SHARED bit ${this.nsSharedBit} is not an output-address bit (12..47)`)
    }
    this.pgd = PgTable.empty(0, opts.swapperPgDirPa ?? DEFAULT_SWAPPER_PG_DIR, 0, this.leaves)
    this.onSplit = opts.onSplit ?? null
  }

  get tableCount(): number {
    return this.tables.pud + this.tables.pmd + this.tables.pte
  }
}

const TABLE_KEY = { TABLE_PUD: 'pud', TABLE_PMD: 'pmd', TABLE_PTE: 'pte' } as const

/** pgtable_alloc(): `count` table pages from the caller's allocator, counted by level and source. */
export function pgtableAlloc(pt: PageTable, alloc: PgtableAlloc, type: PgtableType, count: number): PhysAddr | null {
  const got = alloc(type, count)
  if (!got) return null
  if (got.pa % 0x1000 !== 0) throw new Error(`pgtable_alloc returned an unaligned page 0x${got.pa.toString(16)}`)
  pt.tables[TABLE_KEY[type]] += count
  pt.tablesByAllocator[got.source] += count
  return got.pa
}

/** Record `count` splits of one kind and tell the listener. */
export function noteSplit(pt: PageTable, kind: SplitKind, va: number, size: number, count: number): void {
  pt.splits[kind === 'contpmd' ? 'contPmd' : kind === 'contpte' ? 'contPte' : kind] += count
  pt.onSplit?.({ kind, va, size, count })
}

/** PgtableCounters except `repaint`, which the repaint's caller records. */
export function counters(pt: PageTable): Omit<PgtableCounters, 'repaint'> {
  return {
    ...pt.leaves,
    pudTables: pt.tables.pud,
    pmdTables: pt.tables.pmd,
    pteTables: pt.tables.pte,
    tablePagesByAllocator: { ...pt.tablesByAllocator },
    splits: { ...pt.splits },
  }
}
