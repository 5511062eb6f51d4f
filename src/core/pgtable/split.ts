/*
 * Splitting live kernel leaves: arch/arm64/mm/mmu.c split_pud(), split_contpmd(),
 * split_pmd(), split_contpte(), split_kernel_leaf_mapping_locked() and the repaint walker
 * range_split_to_ptes() with its split_to_ptes_{pud,pmd,pte}_entry() callbacks.
 *
 * Same decisions, order and -ENOMEM points as the kernel. No TLB and no break-before-make:
 * BBML2_NOABORT is the caller's invariant, which is why every split is reported through
 * PageTable.onSplit. Simplification: when the repaint covers a whole PMD table that is
 * still one run, its 512 split_pmd()s happen at once (one 512-page allocation, one event
 * with count 512); if that allocation fails the entries are split one by one, so the walk
 * stops with -ENOMEM exactly where the kernel's would. In a table that is not one run, a
 * stretch of blocks (up to the next CONT group) gets its one-page allocations in one request
 * (page by page when that fails, so -ENOMEM again falls where the kernel's would) and is
 * written, and reported, as one event with its count (after its first block, reported alone).
 */
import { CONT_PMD_SIZE, CONT_PMDS, CONT_PTE_SIZE, CONT_PTES, PAGE_SIZE, PGDIR_SIZE, PMD_SIZE, PTRS_PER_TABLE, PUD_SIZE, type VirtAddr } from '../memory/addr'
import { EINVAL, ENOMEM } from './errno'
import { type PageTable, type PgtableAlloc, noteSplit, pgtableAlloc } from './pgd'
import { Attr, type Attrs } from './prot'
import type { PgTable } from './table'

/** p?d_present() on a model entry: VALID, or invalid with PTE_PRESENT_INVALID. */
function leafPresent(attrs: Attrs): boolean {
  return (attrs & (Attr.VALID | Attr.PRESENT_INVALID)) !== 0
}

/**
 * The children's prot: split_pud()/split_pmd() rebuild the type bits (PMD_TYPE_SECT,
 * PTE_TYPE_PAGE), then, as patch 2/3 (15bfba1ad77f) has it, `if (!pmd_valid(pmd))
 * prot = pte_pgprot(pte_mkinvalid(...))`: the children of a present-invalid block stay
 * present-invalid. The entry's own state decides, not a flag: before 2/3 a kernel
 * leaf was never present-invalid (its invalid blocks are not present, so the split
 * stops above them), and a valid block gives valid children either way.
 */
function splitProt(attrs: Attrs, toCont: boolean): Attrs {
  const prot = attrs & Attr.VALID ? attrs : (attrs & ~Attr.VALID) | Attr.PRESENT_INVALID
  return (prot & ~Attr.CONT) | (toCont ? Attr.CONT : 0)
}

/** split_pud(): PUD leaf i becomes a new PMD table of 512 blocks (contiguous when toCont). */
function splitPud(pt: PageTable, pud: PgTable, i: number, toCont: boolean, alloc: PgtableAlloc): number {
  const pa = pgtableAlloc(pt, alloc, 'TABLE_PMD', 1)
  if (pa === null) return -ENOMEM
  pud.splitLeaves(i, i + 1, [pa], toCont ? toContProt : toPlainProt)
  noteSplit(pt, 'pud', pud.entryVa(i), PUD_SIZE, 1)
  return 0
}

/** split_contpmd(): clear CONT on the 16 PMDs of i's group; no allocation. */
function splitContpmd(pt: PageTable, pmd: PgTable, i: number): void {
  pmd.clearContGroup(i)
  noteSplit(pt, 'contpmd', pmd.entryVa(i - (i % CONT_PMDS)), CONT_PMD_SIZE, 1)
}

const toContProt = (attrs: Attrs) => splitProt(attrs, true)
const toPlainProt = (attrs: Attrs) => splitProt(attrs, false)

/** split_pmd(): PMD leaf i becomes a new PTE table of 512 pages (contiguous when toCont). */
function splitPmd(pt: PageTable, pmd: PgTable, i: number, toCont: boolean, alloc: PgtableAlloc): number {
  const pa = pgtableAlloc(pt, alloc, 'TABLE_PTE', 1)
  if (pa === null) return -ENOMEM
  pmd.splitLeaves(i, i + 1, [pa], toCont ? toContProt : toPlainProt)
  noteSplit(pt, 'pmd', pmd.entryVa(i), PMD_SIZE, 1)
  return 0
}

/**
 * The repaint's split_contpmd() + split_pmd(to_cont=false) of the present PMD leaves [from, to),
 * in the kernel's order, with the table written once per stretch between CONT groups and each
 * stretch reported as one event with its count (its first block alone, so a split listener that
 * stops the boot stops it where the kernel's first split_pmd() would). The stretch's one-page
 * allocations are asked for at once (PgtableAlloc's count); when that fails they are made one by
 * one, so -ENOMEM leaves the entries before the failed allocation split, as the kernel's walk does.
 */
function splitPmds(r: Repaint, pmd: PgTable, from: number, to: number): number {
  /** The table page of entry i, at i - from. */
  const pas = new Float64Array(to - from)
  let pending = from
  const flush = (upTo: number) => {
    if (upTo === pending) return
    pmd.splitLeaves(pending, upTo, pas.subarray(pending - from, upTo - from), toPlainProt)
    noteSplit(r.pt, 'pmd', pmd.entryVa(pending), (upTo - pending) * PMD_SIZE, upTo - pending)
    r.ptesWritten += (upTo - pending) * PTRS_PER_TABLE
    pending = upTo
  }
  for (let i = from; i < to; ) {
    if (pmd.leafAttrs(i) & Attr.CONT) {
      // The group's entries before i are split already, as they are in the kernel when it gets here.
      flush(i)
      splitContpmd(r.pt, pmd, i)
    }
    // The first block alone (a live split on a CPU without BBML2_NOABORT stops the boot after
    // one block, as in the kernel), then the blocks up to the next CONT group.
    let end = i + 1
    if (i !== from) while (end < to && !(pmd.leafAttrs(end) & Attr.CONT)) end++
    const got = tablePages(r, pas, i - from, end - i)
    if (got < end - i) {
      flush(i + got)
      return -ENOMEM
    }
    if (i === from) flush(i + 1)
    i = end
  }
  flush(to)
  return 0
}

/** `count` one-page table allocations into pas[at..]: at once when the allocator has the run, else one by one; how many it got. */
function tablePages(r: Repaint, pas: Float64Array, at: number, count: number): number {
  const run = count > 1 ? pgtableAlloc(r.pt, r.alloc, 'TABLE_PTE', count) : null
  if (run !== null) {
    for (let k = 0; k < count; k++) pas[at + k] = run + k * PAGE_SIZE
    return count
  }
  for (let k = 0; k < count; k++) {
    const pa = pgtableAlloc(r.pt, r.alloc, 'TABLE_PTE', 1)
    if (pa === null) return k
    pas[at + k] = pa
  }
  return count
}

/** split_contpte(): clear CONT on the 16 PTEs of i's group. */
function splitContpte(pt: PageTable, pte: PgTable, i: number): void {
  pte.clearContGroup(i)
  noteSplit(pt, 'contpte', pte.entryVa(i - (i % CONT_PTES)), CONT_PTE_SIZE, 1)
}

/**
 * split_kernel_leaf_mapping_locked(): make `addr` a leaf boundary. At each level stop when
 * addr is already aligned to that level's size or the entry is not present. Returns 0 or
 * -ENOMEM (leaving the splits done so far in place, as the kernel does).
 */
export function splitKernelLeafMappingLocked(pt: PageTable, addr: VirtAddr, alloc: PgtableAlloc): number {
  // PGD (and the folded P4D).
  if (addr % PGDIR_SIZE === 0) return 0
  const pgd = pt.pgd
  const pud = pgd.child(pgd.index(addr))
  if (!pud) return 0

  // PUD: a leaf is split to contiguous PMDs.
  if (addr % PUD_SIZE === 0) return 0
  const ui = pud.index(addr)
  if (pud.isNone(ui) || (pud.isLeaf(ui) && !leafPresent(pud.leafAttrs(ui)))) return 0
  if (pud.isLeaf(ui)) {
    const ret = splitPud(pt, pud, ui, true, alloc)
    if (ret) return ret
  }

  // CONT_PMD, then PMD: a leaf loses its CONT group, then is split to contiguous PTEs.
  if (addr % CONT_PMD_SIZE === 0) return 0
  const pmd = pud.child(ui)!
  const mi = pmd.index(addr)
  if (pmd.isNone(mi) || (pmd.isLeaf(mi) && !leafPresent(pmd.leafAttrs(mi)))) return 0
  if (pmd.isLeaf(mi)) {
    if (pmd.leafAttrs(mi) & Attr.CONT) splitContpmd(pt, pmd, mi)
    if (addr % PMD_SIZE === 0) return 0
    const ret = splitPmd(pt, pmd, mi, true, alloc)
    if (ret) return ret
  }

  // CONT_PTE: the page's group loses its CONT bit.
  if (addr % CONT_PTE_SIZE === 0) return 0
  const ti = Math.floor((addr % PMD_SIZE) / PAGE_SIZE)
  const e = pmd.childEntry(mi, ti)
  if (e.kind !== 'leaf' || !leafPresent(e.attrs)) return 0
  if (e.attrs & Attr.CONT) splitContpte(pt, pmd.child(mi)!, ti)
  return 0
}

export interface RepaintResult {
  /** 0, -EINVAL for an empty range, or -ENOMEM (the caller panics "Failed to split linear map"). */
  ret: number
  tablesAllocated: number
  /** PTE writes: 512 per split_pmd(), 16 per split_contpte(). */
  ptesWritten: number
}

interface Repaint {
  pt: PageTable
  alloc: PgtableAlloc
  ptesWritten: number
}

/**
 * range_split_to_ptes(): walk [start, end) like walk_kernel_page_table_range_lockless() with
 * split_to_ptes_ops — every PUD leaf split_pud(to_cont=false) and descended into, every PMD
 * leaf split_contpmd() if CONT then split_pmd(to_cont=false) (ACTION_CONTINUE), every CONT
 * PTE split_contpte(). Groups and blocks straddling the range ends are split whole.
 */
export function rangeSplitToPtes(pt: PageTable, start: VirtAddr, end: VirtAddr, alloc: PgtableAlloc): RepaintResult {
  if (start >= end) return { ret: -EINVAL, tablesAllocated: 0, ptesWritten: 0 }
  const r: Repaint = { pt, alloc, ptesWritten: 0 }
  const before = pt.tableCount
  const pgd = pt.pgd
  let ret = 0
  for (let addr: number = start, next: number; addr < end && !ret; addr = next) {
    const gi = pgd.index(addr)
    next = Math.min(pgd.entryVa(gi + 1), end)
    const pud = pgd.child(gi)
    if (pud) ret = repaintPud(r, pud, addr, next)
  }
  return { ret, tablesAllocated: pt.tableCount - before, ptesWritten: r.ptesWritten }
}

function repaintPud(r: Repaint, pud: PgTable, start: number, end: number): number {
  for (let addr = start, next: number; addr < end; addr = next) {
    const i = pud.index(addr)
    next = Math.min(pud.entryVa(i + 1), end)
    if (pud.isLeaf(i)) {
      if (!leafPresent(pud.leafAttrs(i))) continue
      const ret = splitPud(r.pt, pud, i, false, r.alloc)
      if (ret) return ret
    }
    if (!pud.isTable(i)) continue
    const ret = repaintPmd(r, pud.child(i)!, addr, next)
    if (ret) return ret
  }
  return 0
}

function repaintPmd(r: Repaint, pmd: PgTable, start: number, end: number): number {
  if (start === pmd.va && end === pmd.va + pmd.span && repaintWholePmd(r, pmd)) return 0
  for (let addr = start, next: number; addr < end; addr = next) {
    const i = pmd.index(addr)
    next = Math.min(pmd.entryVa(i + 1), end)
    if (pmd.isLeaf(i)) {
      if (!leafPresent(pmd.leafAttrs(i))) continue
      // This and the present leaves after it in the range, each split (ACTION_CONTINUE: the new PTEs are not contiguous).
      const last = pmd.index(end - 1)
      let j = i + 1
      while (j <= last && pmd.isLeaf(j) && leafPresent(pmd.leafAttrs(j))) j++
      const ret = splitPmds(r, pmd, i, j)
      if (ret) return ret
      next = Math.min(pmd.entryVa(j), end)
      continue
    }
    if (!pmd.isTable(i)) continue
    const ret = repaintPte(r, pmd.child(i)!, addr, next)
    if (ret) return ret
  }
  pmd.tryCollapse()
  return 0
}

/** The whole PMD table in O(1) when it is one run; false to fall back to entry by entry. */
function repaintWholePmd(r: Repaint, pmd: PgTable): boolean {
  const tables = pmd.tableRun()
  if (tables) {
    if (tables.attrs & Attr.CONT) {
      pmd.applyChildMasks(0, Attr.CONT)
      const groups = (PTRS_PER_TABLE * PTRS_PER_TABLE) / CONT_PTES
      noteSplit(r.pt, 'contpte', pmd.va, pmd.span, groups)
      r.ptesWritten += groups * CONT_PTES
    }
    return true
  }
  const run = pmd.leafRun()
  if (!run || !leafPresent(run.attrs)) return false
  const ptes = pgtableAlloc(r.pt, r.alloc, 'TABLE_PTE', PTRS_PER_TABLE)
  if (ptes === null) return false
  if (run.attrs & Attr.CONT) noteSplit(r.pt, 'contpmd', pmd.va, pmd.span, PTRS_PER_TABLE / CONT_PMDS)
  pmd.setTableRun(ptes, splitProt(run.attrs, false), run.pa, (run.attrs & Attr.PXN) !== 0)
  noteSplit(r.pt, 'pmd', pmd.va, pmd.span, PTRS_PER_TABLE)
  r.ptesWritten += PTRS_PER_TABLE * PTRS_PER_TABLE
  return true
}

function repaintPte(r: Repaint, pte: PgTable, start: number, end: number): number {
  const from = pte.index(start)
  const to = pte.index(end - 1) + 1
  const run = pte.leafRun()
  if (run && from === 0 && to === PTRS_PER_TABLE) {
    if (run.attrs & Attr.CONT) {
      pte.applyMasks(0, PTRS_PER_TABLE, 0, Attr.CONT)
      noteSplit(r.pt, 'contpte', pte.va, pte.span, PTRS_PER_TABLE / CONT_PTES)
      r.ptesWritten += PTRS_PER_TABLE
    }
    return 0
  }
  for (let i = from; i < to; i++) {
    if (!(pte.leafAttrs(i) & Attr.CONT)) continue
    splitContpte(r.pt, pte, i)
    r.ptesWritten += CONT_PTES
  }
  pte.tryCollapse()
  return 0
}
