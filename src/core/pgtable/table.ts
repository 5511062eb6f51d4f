/*
 * One translation table page: the kernel's pgd_t/pud_t/pmd_t/pte_t[PTRS_PER_TABLE] array
 * (arch/arm64/include/asm/pgtable-types.h), written by set_pud/set_pmd/__set_pte.
 *
 * The kernel stores 512 descriptors per page. The model stores a table in one of three
 * forms and switches between them without changing what the table maps, so memory follows
 * the number of entries that actually differ, not the amount of RAM mapped:
 *  - RUN: all 512 entries are leaves with the same attributes and contiguous output (a
 *    freshly split block, a table filled by one mapping call);
 *  - TABLE_RUN (PMD tables only): all 512 entries point to PTE tables on consecutive pages,
 *    each of them a RUN continuing the same output range (a repainted 1 GiB);
 *  - DENSE: typed arrays per entry, once some entry diverges.
 * Leaf counters stay exact by delta: a mutation subtracts the stats of the 16-entry groups
 * it touches (the CONT granule) before writing and adds them back after.
 */
import { CONT_PTES, PAGE_SIZE, PMD_SIZE, PTRS_PER_TABLE, type PhysAddr, phys } from '../memory/addr'
import { type LeafCounts, addLeafCounts } from './accounting'
import { Attr, type Attrs, type Entry, LEVEL_SIZE, type Level, NONE } from './prot'

export type { LeafCounts } from './accounting'

const RUN = 0
const TABLE_RUN = 1
const DENSE = 2

const K_NONE = 0
const K_LEAF = 1
const K_TABLE = 2

/** CONT_PTES == CONT_PMDS == 16 with the 4K granule: the group a CONT bit spans. */
const GROUP = CONT_PTES
const N = PTRS_PER_TABLE
/** A dense entry's output address, Attrs and kind. */
const DENSE_ENTRY_BYTES = Float64Array.BYTES_PER_ELEMENT + Uint16Array.BYTES_PER_ELEMENT + Uint8Array.BYTES_PER_ELEMENT

export class PgTable {
  private form = DENSE
  private runAttrs = 0
  /** RUN: output address of entry 0. TABLE_RUN: output address of child 0's first page. */
  private runPa = 0
  /** TABLE_RUN: PA of child table 0; child i sits at runChildPa + i * PAGE_SIZE. */
  private runChildPa = 0
  private runPxnTable = false
  private kinds: Uint8Array | null = null
  /** Leaf output address, or the child table's PA. */
  private pas: Float64Array | null = null
  /** Leaf Attrs, or 1 for PMD_TABLE_PXN on a table entry. */
  private attrs: Uint16Array | null = null
  private children: (PgTable | null)[] | null = null

  private constructor(
    readonly level: Level,
    readonly pa: PhysAddr,
    /** First VA (linear-map offset) this table translates. */
    readonly va: number,
    private readonly acct: LeafCounts,
  ) {}

  /** A zeroed table page (init_clear_pgtable()). */
  static empty(level: Level, pa: PhysAddr, va: number, acct: LeafCounts): PgTable {
    const t = new PgTable(level, pa, va, acct)
    t.makeDense()
    return t
  }

  /** A table of 512 leaves with one attribute set and contiguous output; not yet counted. */
  static run(level: Level, pa: PhysAddr, va: number, acct: LeafCounts, attrs: Attrs, leafPa: number): PgTable {
    const t = new PgTable(level, pa, va, acct)
    t.form = RUN
    t.runAttrs = attrs
    t.runPa = leafPa
    return t
  }

  get entrySize(): number {
    return LEVEL_SIZE[this.level]
  }
  /** Bytes the whole table translates. */
  get span(): number {
    return this.entrySize * N
  }
  index(va: number): number {
    return Math.floor((va - this.va) / this.entrySize)
  }
  entryVa(i: number): number {
    return this.va + i * this.entrySize
  }

  /** The uniform leaf run this table is, if it is one (no per-entry storage). */
  leafRun(): { attrs: Attrs; pa: number } | null {
    return this.form === RUN ? { attrs: this.runAttrs, pa: this.runPa } : null
  }
  /**
   * Does this table continue `prev` as one run: both RUNs with the same attributes, this
   * one's output following `prev`'s `offset` bytes on? (A walk's test, allocating nothing.)
   */
  runContinues(prev: PgTable, offset: number): boolean {
    return this.form === RUN && prev.form === RUN && this.runAttrs === prev.runAttrs && this.runPa === prev.runPa + offset
  }

  /** The run of uniform PTE tables this PMD table is, if it is one. */
  tableRun(): { childPa: number; attrs: Attrs; pa: number; pxnTable: boolean } | null {
    if (this.form !== TABLE_RUN) return null
    return { childPa: this.runChildPa, attrs: this.runAttrs, pa: this.runPa, pxnTable: this.runPxnTable }
  }

  isNone(i: number): boolean {
    return this.form === DENSE && this.kinds![i] === K_NONE
  }
  isTable(i: number): boolean {
    return this.form === TABLE_RUN || (this.form === DENSE && this.kinds![i] === K_TABLE)
  }
  isLeaf(i: number): boolean {
    return this.form === RUN || (this.form === DENSE && this.kinds![i] === K_LEAF)
  }
  /** Attrs of leaf i (0 when it is not a leaf). */
  leafAttrs(i: number): Attrs {
    if (this.form === RUN) return this.runAttrs
    return this.form === DENSE && this.kinds![i] === K_LEAF ? this.attrs![i] : 0
  }
  /** Output address of leaf i. */
  leafPa(i: number): number {
    return this.form === RUN ? this.runPa + i * this.entrySize : this.pas![i]
  }
  /** PA of the table entry i points to. */
  childPa(i: number): number {
    return this.form === TABLE_RUN ? this.runChildPa + i * PAGE_SIZE : this.pas![i]
  }

  entry(i: number): Entry {
    switch (this.form) {
      case RUN:
        return { kind: 'leaf', pa: phys(this.runPa + i * this.entrySize), attrs: this.runAttrs }
      case TABLE_RUN:
        return { kind: 'table', pa: phys(this.runChildPa + i * PAGE_SIZE), pxnTable: this.runPxnTable }
    }
    const k = this.kinds![i]
    if (k === K_LEAF) return { kind: 'leaf', pa: phys(this.pas![i]), attrs: this.attrs![i] }
    if (k === K_TABLE) return { kind: 'table', pa: phys(this.pas![i]), pxnTable: this.attrs![i] === 1 }
    return NONE
  }

  /** Entry j of the PTE table entry i points to, without materialising a TABLE_RUN. */
  childEntry(i: number, j: number): Entry {
    if (this.form === TABLE_RUN) {
      return { kind: 'leaf', pa: phys(this.runPa + i * PMD_SIZE + j * PAGE_SIZE), attrs: this.runAttrs }
    }
    return this.children![i]!.entry(j)
  }

  /** The next-level table entry i points to (materialises a TABLE_RUN), or null. */
  child(i: number): PgTable | null {
    if (this.form === TABLE_RUN) this.makeDense()
    return this.form === DENSE ? this.children![i] : null
  }

  /** The child node if it exists as an object; null for a leaf, none or a TABLE_RUN entry. */
  childIfReal(i: number): PgTable | null {
    return this.form === DENSE ? this.children![i] : null
  }

  /* ---- mutations (all keep the LeafCounts exact) ---- */

  /** set_pmd()/__set_pte() of a leaf or of none on entry i. */
  setEntry(i: number, e: Entry): void {
    if (e.kind === 'table') throw new Error('use setTable() to install a table')
    this.keepTables(i, i + 1)
    this.mutate(i, i + 1, () => {
      this.kinds![i] = e.kind === 'leaf' ? K_LEAF : K_NONE
      this.pas![i] = e.kind === 'leaf' ? e.pa : 0
      this.attrs![i] = e.kind === 'leaf' ? e.attrs : 0
    })
  }

  /** __pmd_populate()/__pud_populate(): point entry i at `child` and count its leaves. */
  setTable(i: number, child: PgTable, pxnTable: boolean): void {
    if (this.level === 3) throw new Error('a PTE cannot point to a table')
    if (child.level !== this.level + 1) throw new Error('child table at the wrong level')
    this.mutate(i, i + 1, () => {
      this.kinds![i] = K_TABLE
      this.pas![i] = child.pa
      this.attrs![i] = pxnTable ? 1 : 0
      this.children![i] = child
    })
    child.addStats(0, N, 1)
  }

  /**
   * split_pmd()/split_pud() of the leaves [from, to) at once: leaf i becomes a RUN table at
   * childPas[i - from] mapping the same output with `prot(its attrs)`; a PXN leaf gives a
   * PXNTable entry. One re-count of the touched CONT groups for the lot.
   */
  splitLeaves(from: number, to: number, childPas: ArrayLike<number>, prot: (attrs: Attrs) => Attrs): void {
    if (this.level === 0 || this.level === 3) throw new Error(`a level-${this.level} leaf cannot be split`)
    for (let i = from; i < to; i++) if (!this.isLeaf(i)) throw new Error(`entry ${i} of a level-${this.level} table is not a leaf to split`)
    const children: PgTable[] = []
    this.mutate(from, to, () => {
      const kinds = this.kinds!
      const attrs = this.attrs!
      const pas = this.pas!
      for (let i = from; i < to; i++) {
        const child = PgTable.run((this.level + 1) as Level, phys(childPas[i - from]), this.entryVa(i), this.acct, prot(attrs[i]), pas[i])
        kinds[i] = K_TABLE
        pas[i] = child.pa
        attrs[i] = attrs[i] & Attr.PXN ? 1 : 0
        this.children![i] = child
        children.push(child)
      }
    })
    for (const child of children) child.addStats(0, N, 1)
  }

  /** Leaves [from, to) with one attribute set and output starting at `pa`. */
  setLeafSpan(from: number, to: number, attrs: Attrs, pa: number): void {
    this.keepTables(from, to)
    if (from === 0 && to === N) {
      this.replaceWhole(() => {
        this.form = RUN
        this.runAttrs = attrs
        this.runPa = pa
      })
      return
    }
    const size = this.entrySize
    this.mutate(from, to, () => {
      for (let i = from; i < to; i++) {
        this.kinds![i] = K_LEAF
        this.pas![i] = pa + (i - from) * size
        this.attrs![i] = attrs
      }
    })
  }

  /**
   * PMD table only: 512 PTE tables on consecutive pages from `childPa`, each a RUN of
   * `attrs` leaves; output starts at `pa`. Replaces leaves or none, never real tables.
   */
  setTableRun(childPa: number, attrs: Attrs, pa: number, pxnTable: boolean): void {
    if (this.level !== 2) throw new Error('only a PMD table can be a run of PTE tables')
    this.keepTables(0, N)
    this.replaceWhole(() => {
      this.form = TABLE_RUN
      this.runChildPa = childPa
      this.runAttrs = attrs
      this.runPa = pa
      this.runPxnTable = pxnTable
    })
  }

  /**
   * set_pageattr_masks() on every leaf in [from, to): clear, then set. None and tables are
   * left alone. Returns true when the table's form is settled (collapsed to a RUN if it became
   * uniform): a whole dense table is masked and tested for uniformity in the same pass, so the
   * caller need not tryCollapse() it with a second scan.
   */
  applyMasks(from: number, to: number, set: Attrs, clear: Attrs): boolean {
    if (this.form === TABLE_RUN) return true
    if (this.form === RUN && from === 0 && to === N) {
      this.replaceWhole(() => {
        this.runAttrs = (this.runAttrs & ~clear) | set
      })
      return true
    }
    // Masks without CONT change no leaf's kind or group, so the counts stay as they are.
    if (((set | clear) & Attr.CONT) === 0) {
      this.makeDense()
      if (from === 0 && to === N) {
        if (this.maskAllLeaves(set, clear)) this.becomeRun()
        return true
      }
      this.maskLeaves(from, to, set, clear)
    } else this.mutate(from, to, () => this.maskLeaves(from, to, set, clear))
    return false
  }

  /** maskLeaves() over the whole table; true when every entry is now a leaf like entry 0 (same attrs, consecutive output). */
  private maskAllLeaves(set: Attrs, clear: Attrs): boolean {
    const kinds = this.kinds!
    const attrs = this.attrs!
    const pas = this.pas!
    const size = this.entrySize
    let uniform = kinds[0] === K_LEAF
    const first = (attrs[0] & ~clear) | set
    const pa0 = pas[0]
    for (let i = 0; i < N; i++) {
      if (kinds[i] !== K_LEAF) {
        uniform = false
        continue
      }
      const a = (attrs[i] & ~clear) | set
      attrs[i] = a
      if (uniform && (a !== first || pas[i] !== pa0 + i * size)) uniform = false
    }
    return uniform
  }

  private maskLeaves(from: number, to: number, set: Attrs, clear: Attrs): void {
    const kinds = this.kinds!
    const attrs = this.attrs!
    for (let i = from; i < to; i++) {
      if (kinds[i] === K_LEAF) attrs[i] = (attrs[i] & ~clear) | set
    }
  }

  /** TABLE_RUN only: masks on every page of every child table, keeping the run. */
  applyChildMasks(set: Attrs, clear: Attrs): void {
    if (this.form !== TABLE_RUN) throw new Error('applyChildMasks() needs a TABLE_RUN')
    this.replaceWhole(() => {
      this.runAttrs = (this.runAttrs & ~clear) | set
    })
  }

  /** pte_mknoncont()/pmd_mknoncont() on the 16 entries of i's CONT group (split_contpte/split_contpmd). */
  clearContGroup(i: number): void {
    const g = i - (i % GROUP)
    this.applyMasks(g, g + GROUP, 0, Attr.CONT)
  }

  /**
   * Back to a RUN or TABLE_RUN when a DENSE table has become uniform again (children first:
   * callers collapse bottom-up). Representation only: what the table maps is unchanged.
   */
  tryCollapse(changed?: number): void {
    if (this.form !== DENSE || this.level === 0) return
    const kinds = this.kinds!
    const pas = this.pas!
    const attrs = this.attrs!
    // The entry just written is the likeliest to differ: test it first, so a table that stays
    // dense (one page shared in each 2 MiB, a decrypt per page) is rejected in O(1), not by a scan.
    if (changed !== undefined && changed > 0 && changed < N && !this.alikeFirst(changed)) return
    if (kinds[0] === K_LEAF) {
      const size = this.entrySize
      for (let i = 1; i < N; i++) {
        if (kinds[i] !== K_LEAF || attrs[i] !== attrs[0] || pas[i] !== pas[0] + i * size) return
      }
      this.becomeRun()
      return
    }
    if (kinds[0] !== K_TABLE || this.level !== 2) return
    const c0 = this.children![0]!
    if (c0.form !== RUN) return
    for (let i = 1; i < N; i++) {
      const c = this.children![i]
      if (kinds[i] !== K_TABLE || attrs[i] !== attrs[0] || !c || c.form !== RUN) return
      if (c.pa !== c0.pa + i * PAGE_SIZE || c.runAttrs !== c0.runAttrs || c.runPa !== c0.runPa + i * PMD_SIZE) return
    }
    this.form = TABLE_RUN
    this.runChildPa = c0.pa
    this.runAttrs = c0.runAttrs
    this.runPa = c0.runPa
    this.runPxnTable = attrs[0] === 1
    this.dropDense()
  }

  /** A DENSE table whose entries are all leaves like entry 0 becomes the RUN of entry 0 (counts unchanged). */
  private becomeRun(): void {
    this.form = RUN
    this.runAttrs = this.attrs![0]
    this.runPa = this.pas![0]
    this.dropDense()
  }

  /** Could entry i be part of a collapse into entry 0's form (the per-entry test of tryCollapse())? */
  private alikeFirst(i: number): boolean {
    const kinds = this.kinds!
    const attrs = this.attrs!
    if (kinds[0] === K_LEAF) return kinds[i] === K_LEAF && attrs[i] === attrs[0] && this.pas![i] === this.pas![0] + i * this.entrySize
    if (kinds[0] !== K_TABLE || this.level !== 2) return false
    const c0 = this.children![0]
    const c = this.children![i]
    return kinds[i] === K_TABLE && attrs[i] === attrs[0] && !!c0 && !!c && c0.form === RUN && c.form === RUN && c.pa === c0.pa + i * PAGE_SIZE && c.runAttrs === c0.runAttrs && c.runPa === c0.runPa + i * PMD_SIZE
  }

  /* ---- representation and accounting ---- */

  /** Tables are never freed or replaced (the kernel would leak the page); refuse instead of losing counts. */
  private keepTables(from: number, to: number): void {
    if (this.form === RUN) return
    for (let i = from; i < to; i++) {
      if (this.isTable(i)) throw new Error(`replacing the table entry at index ${i} of a level-${this.level} table is not modelled`)
    }
  }

  /** Rewrite the whole table in O(1); its stats are recounted analytically. */
  private replaceWhole(fn: () => void): void {
    this.addStats(0, N, -1)
    if (this.form === DENSE) this.dropDense()
    fn()
    this.addStats(0, N, 1)
  }

  /** Write entries [from, to) in DENSE form with the touched CONT groups re-counted. */
  private mutate(from: number, to: number, fn: () => void): void {
    this.makeDense()
    const g0 = from - (from % GROUP)
    const g1 = Math.ceil(to / GROUP) * GROUP
    this.addStats(g0, g1, -1)
    fn()
    this.addStats(g0, g1, 1)
  }

  private makeDense(): void {
    if (this.form === DENSE && this.kinds) return
    // One backing store for the three arrays: a single allocation per table, not three.
    const buffer = new ArrayBuffer(N * DENSE_ENTRY_BYTES)
    const pas = new Float64Array(buffer, 0, N)
    const attrs = new Uint16Array(buffer, N * Float64Array.BYTES_PER_ELEMENT, N)
    const kinds = new Uint8Array(buffer, N * (Float64Array.BYTES_PER_ELEMENT + Uint16Array.BYTES_PER_ELEMENT), N)
    const children: (PgTable | null)[] | null = this.level < 3 ? new Array<PgTable | null>(N).fill(null) : null
    if (this.form === RUN) {
      kinds.fill(K_LEAF)
      attrs.fill(this.runAttrs)
      const pa0 = this.runPa
      const size = this.entrySize
      for (let i = 0; i < N; i++) pas[i] = pa0 + i * size
    } else if (this.form === TABLE_RUN) {
      // The virtual children become real RUN tables; the counts move with them unchanged.
      kinds.fill(K_TABLE)
      attrs.fill(this.runPxnTable ? 1 : 0)
      for (let i = 0; i < N; i++) {
        pas[i] = this.runChildPa + i * PAGE_SIZE
        children![i] = PgTable.run(3, phys(pas[i]), this.va + i * PMD_SIZE, this.acct, this.runAttrs, this.runPa + i * PMD_SIZE)
      }
    }
    this.form = DENSE
    this.kinds = kinds
    this.pas = pas
    this.attrs = attrs
    this.children = children
  }

  private dropDense(): void {
    this.kinds = null
    this.pas = null
    this.attrs = null
    this.children = null
  }

  /** Add sign × the leaf stats of entries [from, to) (group aligned), virtual children included. */
  private addStats(from: number, to: number, sign: number): void {
    if (this.level === 0) return
    let leaves = 0
    let contGroups = 0
    let childPtes = 0
    let childContPte = 0
    const n = to - from
    if (this.form === RUN) {
      leaves = n
      if (this.runAttrs & Attr.CONT) contGroups = n / GROUP
    } else if (this.form === TABLE_RUN) {
      childPtes = n * N
      if (this.runAttrs & Attr.CONT) childContPte = (n * N) / GROUP
    } else {
      const kinds = this.kinds!
      const attrs = this.attrs!
      for (let g = from; g < to; g += GROUP) {
        let cont = 0
        for (let i = g; i < g + GROUP; i++) {
          if (kinds[i] !== K_LEAF) continue
          leaves++
          if (attrs[i] & Attr.CONT) cont++
        }
        if (cont === GROUP) contGroups++
      }
    }
    addLeafCounts(this.acct, this.level, sign, leaves, contGroups, childPtes, childContPte)
  }
}
