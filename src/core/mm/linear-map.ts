/*
 * The linear map as arch/arm64/mm/mmu.c builds and changes it.
 *
 * - map_mem(): every memblock memory range except the kernel image alias with the
 *   policy's flags, then the alias [_text, __init_begin) with NO_CONT_MAPPINGS
 *   (blocks allowed; never split or repainted afterwards). Table pages come from
 *   memblock (early_pgtable_alloc).
 * - split_kernel_leaf_mapping_locked(): table pages from the policy's
 *   split_pgtable_alloc() (the buddy allocator in the kernel).
 * - linear_map_split_to_ptes(): the stop_machine() repaint, GFP_ATOMIC pages.
 * Every split of a live leaf is checked against the BBML2 invariant: no CPU that
 * lacks BBML2_NOABORT may be running on the linear map while it changes size
 * (on hardware: a TLB conflict abort). CPUs parked by stop_machine() are exempt.
 */
import { allocPages } from '../buddy/alloc'
import type { Kernel } from '../kernel/kernel'
import { memblockAlloc } from '../memblock/alloc'
import { callSiteError, num, type NativeRow } from '../kernel/native-row'
import type { MapExtent, MapSnapshot } from '../result'
import { bigToVirt, formatVirt, LINEAR_MAP_SIZE, PAGE_SIZE, physToVirt, phys, type VirtAddr, virt } from '../memory/addr'
import { subtractRanges } from '../memory/ranges'
import {
  counters,
  createMapping,
  extents,
  NO_BLOCK_MAPPINGS,
  NO_CONT_MAPPINGS,
  ptdumpWalk,
  PAGE_KERNEL,
  type PgtableAlloc,
  rangeSplitToPtes,
  type SplitEvent,
  splitKernelLeafMappingLocked,
} from '../pgtable'
import { kernelDataAbort } from './access'

export { NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS, NO_EXEC_MAPPINGS } from '../pgtable'

const MMU = 'arch/arm64/mm/mmu.c'

/** early_pgtable_alloc(): memblock pages, top-down. */
function earlyPgtableAlloc(k: Kernel): PgtableAlloc {
  return (_type, count) => {
    const pa = memblockAlloc(k, count * PAGE_SIZE, PAGE_SIZE, 'page tables')
    if (pa === null) {
      // early_pgtable_alloc(): memblock_phys_alloc_range() failed → panic, as the kernel does.
      k.fault({ kind: 'panic', message: 'early_pgtable_alloc(): memblock has no page left for a page table' })
      k.panic('Failed to allocate page table page')
    }
    return { pa, source: 'memblock' }
  }
}

/** The policy decides where a lazy split's table page comes from (split_pgtable_alloc()). */
function policyPgtableAlloc(k: Kernel): PgtableAlloc {
  return (_type, count) => {
    let first: number | null = null
    for (let i = 0; i < count; i++) {
      const pa = num(k.call('split_pgtable_alloc'))
      if (pa === 0) return null
      // The page becomes a table at once: an address that cannot be one is the policy's mistake, not a model failure.
      const inRam = k.memblock.memory.some((r) => pa >= r.start && pa + PAGE_SIZE <= r.end)
      if (pa % PAGE_SIZE !== 0 || !inRam) throw k.interp.error(`split_pgtable_alloc() returned 0x${pa.toString(16)}, which is not a page-aligned address of RAM`)
      first ??= pa
    }
    return first === null ? null : { pa: phys(first), source: k.lastPgtableSource }
  }
}

/** GFP_ATOMIC pages from the buddy allocator, in bulk for the repaint. */
function atomicPgtableAlloc(k: Kernel): PgtableAlloc {
  return (_type, count) => {
    if (!k.buddy) allocPages(k, 0, 'repaint page tables')
    const pa = k.buddy!.allocRun(count)
    return pa === null ? null : { pa, source: 'buddy' }
  }
}

/** A CPU running on the linear map without BBML2_NOABORT sees a live block change size. */
export function checkLiveSplit(k: Kernel, e: SplitEvent): void {
  // Any CPU executing on the linear map counts, online or still in secondary_start_kernel().
  const victim = k.cpusWithoutBbml2.find((c) => c.running && !c.parked)
  if (!victim) return
  k.assume('A live split while a CPU without BBML2_NOABORT runs is modelled as a certain TLB conflict abort on that CPU; on hardware it may or may not be taken.')
  const abort = () => kernelDataAbort(k, virt(e.va), 0x30, false, `live ${e.kind} split while CPU${victim.id} lacks BBML2_NOABORT`)
  if (victim.id === k.currentCpu) return abort()
  // The other CPU takes the abort in whatever it runs: its idle loop, with a trace of its own.
  const idle = [
    { fn: '__secondary_switched', file: 'arch/arm64/kernel/head.S' },
    { fn: 'secondary_start_kernel', file: 'arch/arm64/kernel/smp.c' },
    { fn: 'cpu_startup_entry', file: 'kernel/sched/idle.c' },
    { fn: 'do_idle', file: 'kernel/sched/idle.c' },
  ]
  k.runAs({ pid: 0, comm: `swapper/${victim.id}`, cpu: victim.id }, victim.id === 0 ? [{ fn: '__primary_switched', file: 'arch/arm64/kernel/head.S' }, ...idle.slice(2)] : idle, abort)
}

/** KFENCE_POOL_SIZE: (CONFIG_KFENCE_NUM_OBJECTS + 1) * 2 pages, 255 objects by default. */
export const KFENCE_POOL_SIZE = (255 + 1) * 2 * PAGE_SIZE

/**
 * map_mem()'s loop: all RAM but the kernel alias (and an early KFENCE pool) with
 * `flags`, then the alias with NO_CONT_MAPPINGS. arm64_kfence_alloc_pool() runs
 * first (memblock_phys_alloc(), marked NOMAP), before any table page is taken;
 * arm64_kfence_map_pool() then maps the pool with NO_BLOCK_MAPPINGS |
 * NO_CONT_MAPPINGS: page granular whatever the linear map's flags.
 */
function mapMemblockRanges(k: Kernel, flags: number): void {
  if (k.scenario.cmdline.kfence_early && !k.scenario.cmdline.kfence) {
    const pa = memblockAlloc(k, KFENCE_POOL_SIZE, PAGE_SIZE, 'kfence pool')
    if (pa === null) k.pr('err', 'failed to allocate kfence pool')
    else k.kfencePool = { pa, size: KFENCE_POOL_SIZE }
  }
  const alloc = earlyPgtableAlloc(k)
  const image = { start: k.kernelImage.pa, end: k.kernelImage.pa + k.kernelImage.size }
  const pool = k.kfencePool ? [{ start: k.kfencePool.pa, end: k.kfencePool.pa + k.kfencePool.size }] : []
  for (const r of subtractRanges(k.memblock.memory, [image, ...pool].sort((a, b) => a.start - b.start))) {
    createMapping(k.pt, physToVirt(k.layout, phys(r.start)), phys(r.start), r.end - r.start, PAGE_KERNEL, flags, alloc)
    k.events.push({ kind: 'pgtable', op: 'map', step: k.currentStep(), va: physToVirt(k.layout, phys(r.start)), size: r.end - r.start, detail: `linear map of RAM, flags 0x${flags.toString(16)}` })
  }
  const va = physToVirt(k.layout, k.kernelImage.pa)
  createMapping(k.pt, va, k.kernelImage.pa, k.kernelImage.size, PAGE_KERNEL, NO_CONT_MAPPINGS, alloc)
  k.events.push({ kind: 'pgtable', op: 'map', step: k.currentStep(), va, size: k.kernelImage.size, detail: 'kernel image alias, NO_CONT_MAPPINGS' })
  if (k.kfencePool) {
    const poolVa = physToVirt(k.layout, phys(k.kfencePool.pa))
    createMapping(k.pt, poolVa, k.kfencePool.pa, k.kfencePool.size, PAGE_KERNEL, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS, alloc)
    k.events.push({ kind: 'pgtable', op: 'map', step: k.currentStep(), va: poolVa, size: k.kfencePool.size, detail: 'early KFENCE pool, NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS' })
  }
}

/** split_kernel_leaf_mapping_locked(addr): split so that addr is a leaf boundary. */
function splitLocked(k: Kernel, addr: VirtAddr): number {
  const snapshotSplits = { ...k.pt.splits }
  const ret = splitKernelLeafMappingLocked(k.pt, addr, policyPgtableAlloc(k))
  const made = (Object.keys(snapshotSplits) as (keyof typeof snapshotSplits)[])
    .filter((key) => k.pt.splits[key] > snapshotSplits[key])
    .map((key) => `${key}×${k.pt.splits[key] - snapshotSplits[key]}`)
  if (made.length) {
    k.probe?.splits.push(`${made.join(' ')} at ${formatVirt(addr)}`)
    k.events.push({ kind: 'pgtable', op: 'split', step: k.currentStep(), va: addr, size: PAGE_SIZE, detail: made.join(', ') })
  }
  return ret
}

/** arch/arm64/kernel/vmlinux.lds.S: _stext is SEGMENT_ALIGN (64 KiB) after _text. */
const SEGMENT_ALIGN = 64 * 1024

/** linear_map_split_to_ptes() under stop_machine(): secondaries parked, CPU0 repaints. */
function repaint(k: Kernel): void {
  const online = k.cpus.filter((c) => c.running)
  for (const c of online) if (c.id !== k.currentCpu) c.parked = true
  try {
    // The kernel keeps [lm_alias(_stext), lm_alias(__init_begin)) and splits the rest, including the
    // image's head [_text, _stext) (SEGMENT_ALIGN, 64 KiB): the alias's first block becomes PTEs.
    const stext = physToVirt(k.layout, k.kernelImage.pa) + SEGMENT_ALIGN
    const end = physToVirt(k.layout, phys(k.memblock.end()))
    let tablesAllocated = 0
    let ptesWritten = 0
    for (const [s, e] of [[0, stext], [stext - SEGMENT_ALIGN + k.kernelImage.size, Math.min(end, LINEAR_MAP_SIZE)]]) {
      if (e <= s) continue
      const r = rangeSplitToPtes(k.pt, virt(s), virt(e), atomicPgtableAlloc(k))
      if (r.ret) k.panic('Failed to split linear map')
      tablesAllocated += r.tablesAllocated
      ptesWritten += r.ptesWritten
    }
    k.repaint = { happened: true, tablesAllocated, ptesWritten }
    k.events.push({ kind: 'pgtable', op: 'repaint', step: k.currentStep(), va: virt(0), size: end, detail: `${k.repaint.tablesAllocated} tables, ${k.repaint.ptesWritten} PTEs` })
  } finally {
    for (const c of online) c.parked = false
  }
}

// ---- views of the map for the rest of the model --------------------------

/**
 * Record the linear map as the timeline's memory-map picture after the current step;
 * a boot that keeps only its last picture (a grading boot) records just `last`, and one
 * that keeps none (a grading boot whose goals never read the map) records nothing.
 */
export function snapshot(k: Kernel, label: string, last = false): void {
  if (k.pictures === 'none' || (!last && k.pictures === 'end of boot')) return
  k.snapshots.push(mapPicture(k, label))
  k.events.push({ kind: 'snapshot', snapshot: k.snapshots.length - 1, step: k.currentStep() })
}

/** The linear map as it is now, the kernel image alias cut out: what the map view draws. */
export function mapPicture(k: Kernel, label: string): MapSnapshot {
  const image = physToVirt(k.layout, k.kernelImage.pa)
  const imageEnd = image + k.kernelImage.size
  const pieces: MapExtent[] = []
  // Extents merge across equal attributes: cut them at the alias's edges so it stays visible.
  for (const e of extents(k.pt, virt(0), virt(LINEAR_MAP_SIZE))) {
    const cuts = [e.va, ...[image, imageEnd].filter((c) => c > e.va && c < e.va + e.size), e.va + e.size]
    for (let i = 0; i + 1 < cuts.length; i++) {
      const piece: MapExtent = { ...e, va: virt(cuts[i]), pa: phys(e.pa + (cuts[i] - e.va)), size: cuts[i + 1] - cuts[i] }
      if (piece.va >= image && piece.va < imageEnd) piece.kernelImage = true
      pieces.push(piece)
    }
  }
  return { step: k.currentStep(), label, extents: pieces, ptdump: ptdumpWalk(k.pt) }
}

/** Valid leaves with PROT_NS_SHARED, in the whole linear map or in [start, end). */
export function sharedValidExtents(k: Kernel, span = { start: 0, end: LINEAR_MAP_SIZE }): MapExtent[] {
  return extents(k.pt, virt(span.start), virt(Math.min(span.end, LINEAR_MAP_SIZE))).filter((e) => e.shared && e.valid)
}

export function finalCounters(k: Kernel) {
  return { ...counters(k.pt), repaint: k.repaint }
}

export const LINEAR_MAP_NATIVES: NativeRow[] = [
  {
    name: 'map_memblock_ranges',
    arity: 1,
    file: MMU,
    doc: "map_mem()'s loop: for_each_mem_range() → __map_memblock(start, end, PAGE_KERNEL, flags), skipping the kernel image, then the image alias [_text, __init_begin) with NO_CONT_MAPPINGS. Table pages from memblock.",
    impl: (k, ctx, [flags]) => {
      // Each call walks all of RAM; in a loop that is minutes per boot for nothing but identical remaps.
      if (k.ramMapped) throw callSiteError(ctx, 'map_memblock_ranges', 'map_memblock_ranges() already mapped RAM in this boot: paging_init() maps it once')
      k.ramMapped = true
      mapMemblockRanges(k, num(flags))
    },
  },
  {
    name: 'split_kernel_leaf_mapping_locked',
    arity: 1,
    file: MMU,
    doc: 'Split the leaf around addr so that addr becomes a leaf boundary: PUD → CONT_PMDs, contPMD → PMDs, PMD → CONT_PTEs, contPTE → PTEs. Table pages from split_pgtable_alloc(); returns 0 or -ENOMEM. No break-before-make: relies on BBML2_NOABORT.',
    impl: (k, _ctx, [addr]) => {
      const va = typeof addr === 'bigint' ? bigToVirt(addr) : null
      return va === null ? 0n : BigInt(splitLocked(k, va))
    },
  },
  {
    name: 'linear_map_split_to_ptes',
    arity: 0,
    file: MMU,
    doc: 'The stop_machine() repaint: secondaries park in the idmap, CPU0 splits every block and contiguous run of the linear map (except the kernel alias) to PTEs with GFP_ATOMIC pages, panics on failure.',
    impl: (k) => repaint(k),
  },
]
