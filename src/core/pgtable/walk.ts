/*
 * The kernel page-table walk pageattr uses: mm/pagewalk.c walk_kernel_page_table_range_lockless()
 * (walk_pgd_range → walk_pud_range → walk_pmd_range → walk_pte_range) with mm_walk_ops
 * pud_entry/pmd_entry/pte_entry, as arch/arm64/mm/pageattr.c update_range_prot() calls it.
 *
 * Same semantics: none entries are skipped; a callback's non-zero return stops the whole
 * walk; walk.action = 'continue' (ACTION_CONTINUE) skips the entry's children; after the
 * callback the entry is read again and descended into only if it is (now) a table.
 * Entries are handed out as EntryRefs that read and write real descriptors (pmdp_get /
 * set_pmd). Simplification: the PTE level can be a bulk set_pageattr_masks() (`pteMasks`)
 * applied per table, so a uniform table that changes as a whole stays one run; it skips
 * none PTEs (the kernel would write the masks into them, which the model cannot hold).
 */
import { PAGE_SIZE, PMD_SIZE, formatVirt, type VirtAddr, virt } from '../memory/addr'
import { EINVAL } from './errno'
import type { PageTable } from './pgd'
import { type Attrs, LEVEL_NAME, type Level, fromDescriptor, maskToAttrs, toDescriptor } from './prot'
import type { PgTable } from './table'

/** ACTION_SUBTREE (descend, the default) or ACTION_CONTINUE (skip the children). */
export type WalkAction = 'subtree' | 'continue'
/** struct mm_walk as a callback sees it; `action` is reset to 'subtree' before every entry. */
export interface WalkState {
  action: WalkAction
}

/** A pointer to one table entry (pud_t * / pmd_t * / pte_t *). */
export interface EntryRef {
  readonly level: Level
  /** An address inside the entry's range; identifies the entry. */
  readonly va: number
  /** pudp_get()/pmdp_get()/__ptep_get(): the current descriptor. */
  read(): bigint
  /**
   * set_pud()/set_pmd()/__set_pte(). A leaf or none may become any leaf or none; turning a
   * table into anything else, or anything into a table, throws (the caller makes it a fault).
   */
  write(desc: bigint): void
}

export type EntryVisitor = (ref: EntryRef, addr: number, next: number, walk: WalkState) => number

export interface PageWalkOps {
  pud?: EntryVisitor
  pmd?: EntryVisitor
  /** Called for every PTE in range, none ones included (walk_pte_range). */
  pte?: EntryVisitor
  /** Instead of `pte`: pageattr_pte_entry()'s clear-then-set of these descriptor bits. */
  pteMasks?: { set: bigint; clear: bigint }
}

class TableEntryRef implements EntryRef {
  constructor(
    private readonly pt: PageTable,
    readonly level: Level,
    readonly va: number,
  ) {}

  /** The descriptor lookup() would give at this level, reading only the tables above it. */
  read(): bigint {
    const ns = this.pt.nsSharedBit
    let table = this.pt.pgd
    for (let l = 0; l < this.level; l++) {
      const i = table.index(this.va)
      if (!table.isTable(i)) throw new Error(`no ${LEVEL_NAME[this.level]} entry maps ${formatVirt(virt(this.va))} any more`)
      const child = table.childIfReal(i)
      // A PTE table that exists only as part of a PMD table's run.
      if (!child) return toDescriptor(3, table.childEntry(i, Math.floor((this.va % PMD_SIZE) / PAGE_SIZE)), ns)
      table = child
    }
    return toDescriptor(this.level, table.entry(table.index(this.va)), ns)
  }

  write(desc: bigint): void {
    let table = this.pt.pgd
    for (let l = 0; l < this.level; l++) {
      const next = table.child(table.index(this.va))
      if (!next) throw new Error(`no ${LEVEL_NAME[this.level]} entry maps ${formatVirt(virt(this.va))} any more`)
      table = next
    }
    const i = table.index(this.va)
    const next = fromDescriptor(this.level, desc, this.pt.nsSharedBit)
    const old = table.entry(i)
    const where = `set_${LEVEL_NAME[this.level]}() at ${formatVirt(virt(table.entryVa(i)))}`
    if (old.kind === 'table') {
      if (next.kind === 'table' && next.pa === old.pa && next.pxnTable === old.pxnTable) return
      throw new Error(`${where}: rewriting a table entry as ${next.kind} is not modelled`)
    }
    if (next.kind === 'table') throw new Error(`${where}: turning a ${old.kind} entry into a table is not modelled`)
    table.setEntry(i, next)
  }
}

/** Read after the callback ran (it may have set ACTION_CONTINUE). */
function skipsChildren(state: WalkState): boolean {
  return state.action === 'continue'
}

interface Walk {
  pt: PageTable
  ops: PageWalkOps
  state: WalkState
  masks: { set: Attrs; clear: Attrs } | null
  hasPte: boolean
}

/**
 * walk_kernel_page_table_range_lockless(start, end, ops): 0, -EINVAL for an empty range,
 * or the first non-zero callback return.
 */
export function walkRange(pt: PageTable, start: VirtAddr, end: VirtAddr, ops: PageWalkOps): number {
  if (start >= end) return -EINVAL
  if (ops.pte && ops.pteMasks) throw new Error('walkRange: give either pte or pteMasks, not both')
  const masks = ops.pteMasks
    ? { set: maskToAttrs(ops.pteMasks.set, 'set', pt.nsSharedBit), clear: maskToAttrs(ops.pteMasks.clear, 'clear', pt.nsSharedBit) }
    : null
  const w: Walk = { pt, ops, state: { action: 'subtree' }, masks, hasPte: !!(ops.pte || masks) }
  const pgd = pt.pgd
  for (let addr: number = start, next: number; addr < end; addr = next) {
    const gi = pgd.index(addr)
    next = Math.min(pgd.entryVa(gi + 1), end)
    const pud = pgd.child(gi)
    if (!pud) continue
    const ret = walkPud(w, pud, addr, next)
    if (ret) return ret
  }
  return 0
}

function walkPud(w: Walk, pud: PgTable, start: number, end: number): number {
  for (let addr = start, next: number; addr < end; addr = next) {
    const i = pud.index(addr)
    next = Math.min(pud.entryVa(i + 1), end)
    if (pud.isNone(i)) continue
    w.state.action = 'subtree'
    if (w.ops.pud) {
      const ret = w.ops.pud(new TableEntryRef(w.pt, 1, addr), addr, next, w.state)
      if (ret) return ret
    }
    if (skipsChildren(w.state) || !(w.ops.pmd || w.hasPte) || !pud.isTable(i)) continue
    const ret = walkPmd(w, pud.child(i)!, addr, next)
    if (ret) return ret
  }
  return 0
}

function walkPmd(w: Walk, pmd: PgTable, start: number, end: number): number {
  // A run of uniform PTE tables fully covered, with only masks to apply: one operation.
  if (w.masks && !w.ops.pmd && pmd.tableRun() && start === pmd.va && end === pmd.va + pmd.span) {
    pmd.applyChildMasks(w.masks.set, w.masks.clear)
    return 0
  }
  for (let addr = start, next: number; addr < end; addr = next) {
    const i = pmd.index(addr)
    next = Math.min(pmd.entryVa(i + 1), end)
    if (pmd.isNone(i)) continue
    w.state.action = 'subtree'
    if (w.ops.pmd) {
      const ret = w.ops.pmd(new TableEntryRef(w.pt, 2, addr), addr, next, w.state)
      if (ret) return ret
    }
    if (skipsChildren(w.state) || !w.hasPte || !pmd.isTable(i)) continue
    const ret = walkPte(w, pmd.child(i)!, addr, next)
    if (ret) return ret
  }
  pmd.tryCollapse(pmd.index(start))
  return 0
}

function walkPte(w: Walk, pte: PgTable, start: number, end: number): number {
  const from = pte.index(start)
  const to = pte.index(end - 1) + 1
  if (w.masks) {
    if (pte.applyMasks(from, to, w.masks.set, w.masks.clear)) return 0
  } else {
    for (let i = from; i < to; i++) {
      const addr = pte.entryVa(i)
      w.state.action = 'subtree'
      const ret = w.ops.pte!(new TableEntryRef(w.pt, 3, addr), addr, addr + PAGE_SIZE, w.state)
      if (ret) return ret
    }
  }
  pte.tryCollapse(from)
  return 0
}
