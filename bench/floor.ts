/*
 * Page-table work against the physical floor: the model's repaint and splits timed in the
 * same run as a raw typed-array write of as many entries as the real kernel would write.
 *
 * The floor writes one 8-byte descriptor per entry (output address plus attribute bits, a
 * Float64 so the value needs no BigInt) into a preallocated 32 MiB Float64Array, reused
 * chunk after chunk when there are more entries than it holds: the cost of the stores alone,
 * with no allocation and no page faults. Timed beside it: TypedArray.fill() of one value (a
 * memset), the absolute lower bound; and the same stores into a fresh Float64Array(512) per
 * 512 entries, the analogue of the kernel's pgtable_alloc() of one page per table.
 */
import { PAGE_SIZE, PMD_SIZE, PTRS_PER_TABLE, SZ_1G, phys, virt } from '../src/core/memory/addr'
import {
  PAGE_KERNEL,
  PTE_RDONLY,
  PTE_WRITE,
  PageTable,
  type PgtableAlloc,
  createMapping,
  rangeSplitToPtes,
  splitKernelLeafMappingLocked,
  walkRange,
} from '../src/core/pgtable'
import { type PairedRatio, paired, sample, settleHeap, type Timing } from './measure'

const FLOOR_CHUNK_ENTRIES = 4 * 2 ** 20
/** host-1t's PHYS_OFFSET. */
const RAM_BASE = 0x40000000
/** Where the bump allocator below hands out table pages: far above the RAM it maps. */
const TABLE_PAGES_BASE = 0x200_0000_0000
/** The low attribute bits of a valid, accessed, inner-shareable PTE: what every floor entry carries. */
const PTE_LOW_ATTRS = 0x713

/** What a floor is: the stores alone, or the stores plus a fresh table per 512 entries (the kernel's pgtable_alloc()). */
export type FloorKind = 'stores' | 'stores + a new table per 512 entries'

export interface FloorComparison {
  id: string
  name: string
  /** Entries the kernel would write (or the model must hold per entry) for this work. */
  entries: number
  /** The floor the ratio is taken against: with the allocation where the kernel allocates for this work. */
  floorKind: FloorKind
  model: Timing
  floor: Timing
  /** Median of the model/floor ratios of interleaved pairs, with its spread. */
  ratio: PairedRatio
  /** TypedArray.fill() of as many entries: the absolute lower bound, for scale. */
  memset: Timing
}

const floorChunk = new Float64Array(FLOOR_CHUNK_ENTRIES)

/** One store per entry of a distinct descriptor, as __set_pte() does. */
function writeDescriptors(entries: number): void {
  let pa = RAM_BASE
  for (let left = entries; left > 0; left -= FLOOR_CHUNK_ENTRIES) {
    const n = Math.min(left, FLOOR_CHUNK_ENTRIES)
    for (let i = 0; i < n; i++) floorChunk[i] = pa + i * PAGE_SIZE + PTE_LOW_ATTRS
    pa += n * PAGE_SIZE
  }
}

/** As writeDescriptors, but each table's 512 entries go into a table allocated for them. */
function writeDescriptorsToFreshTables(entries: number): Float64Array | null {
  let pa = RAM_BASE
  let table: Float64Array | null = null
  for (let left = entries; left > 0; left -= PTRS_PER_TABLE) {
    table = new Float64Array(PTRS_PER_TABLE)
    for (let i = 0; i < Math.min(left, PTRS_PER_TABLE); i++) table[i] = pa + i * PAGE_SIZE + PTE_LOW_ATTRS
    pa += PTRS_PER_TABLE * PAGE_SIZE
  }
  return table
}

function memsetDescriptors(entries: number): void {
  for (let left = entries; left > 0; left -= FLOOR_CHUNK_ENTRIES) floorChunk.fill(left + PTE_LOW_ATTRS, 0, Math.min(left, FLOOR_CHUNK_ENTRIES))
}

/** Consecutive table pages from one address: the allocator never fails and costs nothing. */
function unlimitedTablePages(): PgtableAlloc {
  let next = TABLE_PAGES_BASE
  return (_type, count) => {
    const pa = next
    next += count * PAGE_SIZE
    return { pa: phys(pa), source: 'buddy' }
  }
}

interface Mapped {
  pt: PageTable
  alloc: PgtableAlloc
}

/** map_mem() of `bytes` of RAM with 1 GiB blocks, as host-1t boots. */
function blockMapped(bytes: number): Mapped {
  const pt = new PageTable()
  const alloc = unlimitedTablePages()
  if (createMapping(pt, virt(0), phys(RAM_BASE), bytes, PAGE_KERNEL, 0, alloc) !== 0) throw new Error('block mapping failed')
  return { pt, alloc }
}

/** Block mapped, then repainted: every GiB is one PMD table that is a run of 512 PTE tables. */
function repainted(bytes: number): Mapped {
  const m = blockMapped(bytes)
  if (rangeSplitToPtes(m.pt, virt(0), virt(bytes), m.alloc).ret !== 0) throw new Error('repaint failed')
  return m
}

/** set_memory_ro() of one page in every 2 MiB: every PTE table gets one entry that differs, so it goes dense. */
function splitOnePagePer2M(m: Mapped, bytes: number): void {
  for (let va = 0; va < bytes; va += PMD_SIZE) {
    const page = va + PMD_SIZE / 2
    splitKernelLeafMappingLocked(m.pt, virt(page), m.alloc)
    splitKernelLeafMappingLocked(m.pt, virt(page + PAGE_SIZE), m.alloc)
    if (walkRange(m.pt, virt(page), virt(page + PAGE_SIZE), { pteMasks: { set: PTE_RDONLY, clear: PTE_WRITE } }) !== 0) throw new Error('walk failed')
  }
}

export interface FloorBudget {
  pairs: number
  warmup: number
}

const FLOORS: Record<FloorKind, (entries: number) => unknown> = {
  stores: writeDescriptors,
  'stores + a new table per 512 entries': writeDescriptorsToFreshTables,
}

function compare(id: string, name: string, entries: number, floorKind: FloorKind, model: () => unknown, prepareModel: () => void, budget: FloorBudget): FloorComparison {
  const floor = FLOORS[floorKind]
  const p = paired(model, () => floor(entries), budget.pairs, budget.warmup, { model: prepareModel, floor: settleHeap })
  const memset = sample(() => memsetDescriptors(entries), Math.max(3, Math.min(budget.pairs, 10)), 1, settleHeap)
  return { id, name, entries, floorKind, model: p.model, floor: p.floor, ratio: p.ratio, memset }
}

/**
 * The repaint of a `repaintGiB` block-mapped linear map (lazy: uniform tables stay runs), and
 * two dense workloads over `denseGiB` where the model must hold every entry.
 */
export function floorComparisons(repaintGiB: number, denseGiB: number, budget: FloorBudget): FloorComparison[] {
  const repaintBytes = repaintGiB * SZ_1G
  let blocks = blockMapped(repaintBytes)
  const ptesWritten = rangeSplitToPtes(blockMapped(repaintBytes).pt, virt(0), virt(repaintBytes), unlimitedTablePages()).ptesWritten
  const denseBytes = denseGiB * SZ_1G
  const denseEntries = denseBytes / PAGE_SIZE
  let dense = repainted(denseBytes)
  // Idempotent, and the page made read-only by the split keeps every table dense, so each iteration does the same work.
  const clearWrite = { pteMasks: { set: 0n, clear: PTE_WRITE } }
  const masked = repainted(denseBytes)
  splitOnePagePer2M(masked, denseBytes)
  return [
    // The kernel's repaint allocates a table per 512 PTEs too, but its floor of stores alone is already ~1000x the model: no allocation needed to show it.
    compare('repaint', `repaint ${repaintGiB} GiB to PTEs (lazy: runs of tables)`, ptesWritten, 'stores', () => rangeSplitToPtes(blocks.pt, virt(0), virt(repaintBytes), blocks.alloc), () => {
      blocks = blockMapped(repaintBytes)
      settleHeap()
    }, { pairs: Math.min(budget.pairs, 5), warmup: 1 }),
    // Every split allocates a PTE table (pgtable_alloc()) and writes its 512 entries: the floor does both.
    compare('dense-split', `split + set_memory_ro one page per 2 MiB over ${denseGiB} GiB (every PTE table dense)`, denseEntries, 'stores + a new table per 512 entries', () => splitOnePagePer2M(dense, denseBytes), () => {
      dense = repainted(denseBytes)
      settleHeap()
    }, budget),
    // set_pageattr_masks() rewrites entries in place: no allocation in the kernel, none in the floor.
    compare('dense-masks', `set_pageattr_masks on every PTE of ${denseGiB} GiB of dense tables`, denseEntries, 'stores', () => walkRange(masked.pt, virt(0), virt(denseBytes), clearWrite), settleHeap, budget),
  ]
}
