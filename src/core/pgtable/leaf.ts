/*
 * The five kinds of linear-map leaf with the 4K granule (arch/arm64/include/asm/pgtable-hwdef.h
 * PUD_SIZE, PMD_SIZE, CONT_PMD_SIZE, CONT_PTE_SIZE, PAGE_SIZE; the contiguous hint of
 * alloc_init_cont_pmd()/alloc_init_cont_pte() in arch/arm64/mm/mmu.c): which level holds
 * each, what one leaf (or contiguous group of 16) maps, and where a VA's walk indexes
 * each level's table. The kernel has no such table; the map, its legend, the walk text,
 * ptdump's colours and the reports all read this one.
 */
import type { LeafKind } from '../result'
import { CONT_PMD_SIZE, CONT_PMDS, CONT_PTE_SIZE, CONT_PTES, PAGE_SIZE, PGDIR_SHIFT, PMD_SIZE, PTRS_PER_TABLE, PUD_SIZE } from '../memory/addr'
import { Attr, type Attrs, LEVEL_NAME, type Level } from './prot'

export interface LeafKindInfo {
  kind: LeafKind
  /** The table level holding the leaf: 1 PUD, 2 PMD, 3 PTE. */
  level: 1 | 2 | 3
  /** Bytes one descriptor maps. */
  entrySize: number
  /** Bytes the leaf maps: one entry, or a group of 16 with the contiguous hint. */
  size: number
  contiguous: boolean
  /** What it is, for the legend and the walk text. */
  what: string
}

/** Coarsest first: the legend's order, and the order a sub-pixel bin of the map picks the finest from. */
export const LEAF_KINDS: readonly LeafKindInfo[] = [
  { kind: 'PUD', level: 1, entrySize: PUD_SIZE, size: PUD_SIZE, contiguous: false, what: '1 GiB block' },
  { kind: 'CONT_PMD', level: 2, entrySize: PMD_SIZE, size: CONT_PMD_SIZE, contiguous: true, what: `${CONT_PMDS} contiguous 2 MiB blocks` },
  { kind: 'PMD', level: 2, entrySize: PMD_SIZE, size: PMD_SIZE, contiguous: false, what: '2 MiB block' },
  { kind: 'CONT_PTE', level: 3, entrySize: PAGE_SIZE, size: CONT_PTE_SIZE, contiguous: true, what: `${CONT_PTES} contiguous 4 KiB pages` },
  { kind: 'PTE', level: 3, entrySize: PAGE_SIZE, size: PAGE_SIZE, contiguous: false, what: '4 KiB page' },
]

export const LEAF_KIND: Readonly<Record<LeafKind, LeafKindInfo>> = Object.fromEntries(LEAF_KINDS.map((k) => [k.kind, k])) as Record<LeafKind, LeafKindInfo>

/** The LeafKind of a leaf at `level` with `attrs`. */
export function leafKind(level: Level, attrs: Attrs): LeafKind {
  const cont = (attrs & Attr.CONT) !== 0
  const found = LEAF_KINDS.find((k) => k.level === level && k.contiguous === cont)
  if (!found) throw new Error(`no leaves at level ${level}`)
  return found.kind
}

/** One level of the walk to a VA: the VA bits that index the table, and the index. */
export interface WalkIndex {
  level: (typeof LEVEL_NAME)[number]
  /** `47..39`, `38..30`, ... */
  bits: string
  index: number
  /** What the entry is: a pointer to the next table, or the leaf itself. */
  entry: 'table' | 'block' | 'page'
}

/**
 * The table indices a hardware walk of linear-map VA offset `va` uses, PGD down to the level
 * of a `kind` leaf (pgd_index(), pud_index(), pmd_index(), pte_index()).
 */
export function walkIndices(va: number, kind: LeafKind): WalkIndex[] {
  const leafLevel = LEAF_KIND[kind].level
  const out: WalkIndex[] = []
  for (let level = 0; level <= leafLevel; level++) {
    const shift = PGDIR_SHIFT - 9 * level
    // Offsets reach 2^48, past the 32 bits JS shift operators keep: divide instead.
    out.push({
      level: LEVEL_NAME[level],
      bits: `${shift + 8}..${shift}`,
      index: Math.floor(va / 2 ** shift) % PTRS_PER_TABLE,
      entry: level < leafLevel ? 'table' : level === 3 ? 'page' : 'block',
    })
  }
  return out
}
