/*
 * Reading the tables for one address: what arch/arm64/mm/fault.c show_pte() prints in an
 * Oops ("[va] pgd=..., p4d=..., pud=..., pmd=...") and what the hardware walk would find.
 *
 * The kernel reads descriptors from memory; the model builds them from the table forms,
 * without materialising anything (a PTE table inside a run is read virtually). The folded
 * P4D is not a separate level: show_pte prints the PGD entry again as p4d.
 */
import type { LeafKind } from '../result'
import { PAGE_SIZE, PMD_SIZE, type PhysAddr, formatVirt, phys, type VirtAddr, virt } from '../memory/addr'
import type { PageTable } from './pgd'
import { type Attrs, type Entry, LEVEL_SIZE, type Level, toDescriptor } from './prot'
import { leafKind } from './leaf'
import type { PgTable } from './table'

export interface WalkStep {
  level: Level
  /** Index of the entry in its table. */
  index: number
  desc: bigint
  /** PA of the table page holding the entry. */
  tablePa: PhysAddr
}

export interface LeafInfo {
  level: 1 | 2 | 3
  kind: LeafKind
  /** VA and PA of the leaf's first byte, and its size. */
  va: VirtAddr
  pa: PhysAddr
  size: number
  attrs: Attrs
}

function checkVa(va: number): void {
  if (!Number.isInteger(va) || va < 0 || va >= 2 ** 48) throw new Error(`VA offset ${va} outside the 48-bit space`)
}

/** The entries a hardware walk of `va` reads: PGD down to the leaf or the first non-table entry. */
export function lookup(pt: PageTable, va: VirtAddr): WalkStep[] {
  checkVa(va)
  const out: WalkStep[] = []
  let table: PgTable = pt.pgd
  for (;;) {
    const i = table.index(va)
    const e = table.entry(i)
    out.push({ level: table.level, index: i, desc: toDescriptor(table.level, e, pt.nsSharedBit), tablePa: table.pa })
    if (e.kind !== 'table') return out
    const child = table.childIfReal(i)
    if (!child) {
      // A PTE table that exists only as part of a PMD table's run.
      const j = Math.floor((va % PMD_SIZE) / PAGE_SIZE)
      out.push({ level: 3, index: j, desc: toDescriptor(3, table.childEntry(i, j), pt.nsSharedBit), tablePa: e.pa })
      return out
    }
    table = child
  }
}

/** The leaf mapping `va` (valid or not), or null when the walk ends on a none entry. */
export function leafAt(pt: PageTable, va: VirtAddr): LeafInfo | null {
  checkVa(va)
  let table: PgTable = pt.pgd
  for (;;) {
    const i = table.index(va)
    if (table.isLeaf(i)) return leafInfo(table.level, table.entry(i), table.entryVa(i))
    if (!table.isTable(i)) return null
    const child = table.childIfReal(i)
    if (!child) {
      const j = Math.floor((va % PMD_SIZE) / PAGE_SIZE)
      return leafInfo(3, table.childEntry(i, j), table.entryVa(i) + j * PAGE_SIZE)
    }
    table = child
  }
}

/**
 * The attributes of the `count` entries of `level` from `va` on (a CONT group), one per entry:
 * a leaf's attributes, -1 for a none entry, and for a table entry those of the first leaf
 * under it (what leafAt() of the entry's address gives). One descent instead of one per entry.
 */
export function entryAttrs(pt: PageTable, va: VirtAddr, level: Level, count: number): number[] {
  checkVa(va)
  const viaLeafAt = () => Array.from({ length: count }, (_, n) => leafAt(pt, virt(va + n * LEVEL_SIZE[level]))?.attrs ?? -1)
  let table: PgTable = pt.pgd
  while (table.level < level) {
    const i = table.index(va)
    if (!table.isTable(i)) return viaLeafAt()
    const child = table.childIfReal(i)
    if (!child) return viaLeafAt()
    table = child
  }
  const first = table.index(va)
  if (first + count > 512) return viaLeafAt()
  const out: number[] = []
  for (let i = first; i < first + count; i++) {
    if (table.isLeaf(i)) out.push(table.leafAttrs(i))
    else if (table.isTable(i)) out.push(leafAt(pt, virt(table.entryVa(i)))?.attrs ?? -1)
    else out.push(-1)
  }
  return out
}

function leafInfo(level: Level, e: Entry, va: number): LeafInfo {
  if (e.kind !== 'leaf') throw new Error(`expected a leaf at ${formatVirt(virt(va))}`)
  return { level: level as 1 | 2 | 3, kind: leafKind(level, e.attrs), va: virt(va), pa: phys(e.pa), size: LEVEL_SIZE[level], attrs: e.attrs }
}
