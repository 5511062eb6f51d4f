/*
 * The kernel's page-table dump, /sys/kernel/debug/kernel_page_tables: arch/arm64/mm/ptdump.c
 * (note_page(), dump_prot(), pte_bits[], pg_level[], address_markers[]) driven by
 * mm/ptdump.c ptdump_walk_pgd() (ptdump_pud_entry/pmd_entry/pte_entry for leaves,
 * ptdump_hole() for none entries, with the depth of the empty level).
 *
 * What the kernel does: it walks every entry of init_mm from PAGE_OFFSET; note_page() keeps
 * one open range and prints it when the next entry's level or `val & pg_level[].mask`
 * (the OR of every pte_bits[] mask, so no output-address bits) differs, or a marker is
 * crossed. A line is `0x%016lx-0x%016lx   %9lu%c %s` (start, end, size in K/M/G/..., level
 * name) followed by one ` %s` per pte_bits[] row (the row's set or clear string) when the
 * range's prot is non-zero; holes (prot 0) print no attribute columns.
 *
 * What the model does: the same printing, from the model's descriptors (prot.ts
 * toDescriptor()), walking table forms instead of entries (extents.ts forEachSpan(): a
 * run of identical entries costs one step). Only the linear map is dumped (from the
 * "Linear Mapping start" marker to "Linear Mapping end"); the vmalloc, modules, fixmap and
 * vmemmap sections are not modelled. One column is the model's: the realm PROT_NS_SHARED
 * bit is an output-address bit, outside the kernel's mask, so the real ptdump neither prints
 * it nor splits a range at it; the model appends ` NS` to shared ranges and splits there
 * (docs/model.md, "ptdump").
 */
import type { PtdumpRun } from '../result'
import { LINEAR_MAP_SIZE, virtToBig, virt } from '../memory/addr'
import { forEachSpan } from './extents'
import type { PageTable } from './pgd'
import {
  Attr,
  type Attrs,
  type Level,
  MT_NORMAL,
  MT_NORMAL_TAGGED,
  PTE_AF,
  PTE_ATTRINDX_MASK,
  PTE_CONT,
  PTE_NG,
  PTE_PXN,
  PTE_RDONLY,
  PTE_SHARED,
  PTE_UXN,
  PTE_VALID,
  toDescriptor,
} from './prot'

/** Memory types of arch/arm64/include/asm/memory.h the model never uses but ptdump names. */
const MT_NORMAL_NC = 2n
const MT_DEVICE_nGnRnE = 3n
const MT_DEVICE_nGnRE = 4n
/** PTE_USER (AP[1]), PTE_TABLE_BIT (bit 1), PTE_GP (BTI guarded page, bit 50). */
const PTE_USER = 1n << 6n
const PTE_TABLE_BIT = 1n << 1n
const PTE_GP = 1n << 50n

interface ProtBits {
  mask: bigint
  val: bigint
  set: string
  clear?: string
}

const attrIndx = (mt: bigint): bigint => mt << 2n

/** pte_bits[] of arch/arm64/mm/ptdump.c, in its order. */
export const PTE_BITS: readonly ProtBits[] = [
  { mask: PTE_VALID, val: PTE_VALID, set: ' ', clear: 'F' },
  { mask: PTE_USER, val: PTE_USER, set: 'USR', clear: '   ' },
  { mask: PTE_RDONLY, val: PTE_RDONLY, set: 'ro', clear: 'RW' },
  { mask: PTE_PXN, val: PTE_PXN, set: 'NX', clear: 'x ' },
  { mask: PTE_SHARED, val: PTE_SHARED, set: 'SHD', clear: '   ' },
  { mask: PTE_AF, val: PTE_AF, set: 'AF', clear: '  ' },
  { mask: PTE_NG, val: PTE_NG, set: 'NG', clear: '  ' },
  { mask: PTE_CONT, val: PTE_CONT, set: 'CON', clear: '   ' },
  { mask: PTE_TABLE_BIT, val: PTE_TABLE_BIT, set: '   ', clear: 'BLK' },
  { mask: PTE_UXN, val: PTE_UXN, set: 'UXN', clear: '   ' },
  { mask: PTE_GP, val: PTE_GP, set: 'GP', clear: '  ' },
  { mask: PTE_ATTRINDX_MASK, val: attrIndx(MT_DEVICE_nGnRnE), set: 'DEVICE/nGnRnE' },
  { mask: PTE_ATTRINDX_MASK, val: attrIndx(MT_DEVICE_nGnRE), set: 'DEVICE/nGnRE' },
  { mask: PTE_ATTRINDX_MASK, val: attrIndx(MT_NORMAL_NC), set: 'MEM/NORMAL-NC' },
  { mask: PTE_ATTRINDX_MASK, val: attrIndx(MT_NORMAL), set: 'MEM/NORMAL' },
  { mask: PTE_ATTRINDX_MASK, val: attrIndx(MT_NORMAL_TAGGED), set: 'MEM/NORMAL-TAGGED' },
]

/** pg_level[].mask after ptdump_initialize(): every pte_bits[] mask (the same at each level). */
const PROT_MASK = PTE_BITS.reduce((m, b) => m | b.mask, 0n)

/** pg_level[].name with 4 levels and the P4D folded, by the model's Level (0 PGD .. 3 PTE). */
export const PTDUMP_LEVEL_NAME = ['PGD', 'PUD', 'PMD', 'PTE'] as const

/** address_markers[] for the part the model dumps. */
export const LINEAR_MAP_START_MARKER = '---[ Linear Mapping start ]---'
export const LINEAR_MAP_END_MARKER = '---[ Linear Mapping end ]---'

/**
 * One printed line: entries of one level with one prot, [va, va + size). `attrs` is the
 * first entry's (the bits the kernel does not print may differ along the line); null for
 * none entries (ptdump_hole(), prot 0). Plain data, kept in each MapSnapshot.
 */
export type { PtdumpRun }

/** `val & pg_level[level].mask` of a leaf: what note_page() compares and dump_prot() prints. */
export function ptdumpProt(level: Level, attrs: Attrs): bigint {
  const key = attrs * 4 + level
  let prot = PROT_BY_LEVEL_ATTRS.get(key)
  if (prot === undefined) {
    // The output address is outside the mask, so any aligned address will do.
    prot = toDescriptor(level, { kind: 'leaf', pa: 0 as never, attrs }) & PROT_MASK
    PROT_BY_LEVEL_ATTRS.set(key, prot)
  }
  return prot
}

/** ptdumpProt() by `attrs * 4 + level`: a walk compares neighbours' prots for every span it meets. */
const PROT_BY_LEVEL_ATTRS = new Map<number, bigint>()

/** note_page()'s "same range" test, plus the model's NS column. */
function sameRange(a: PtdumpRun, level: Level, attrs: Attrs | null): boolean {
  if (a.level !== level) return false
  if (a.attrs === null || attrs === null || a.attrs === attrs) return a.attrs === attrs
  return ptdumpProt(level, a.attrs) === ptdumpProt(level, attrs) && (a.attrs & Attr.NS_SHARED) === (attrs & Attr.NS_SHARED)
}

/** ptdump_walk_pgd() over [start, end) of the linear map: the lines note_page() would print. */
export function ptdumpWalk(pt: PageTable, start = 0, end = LINEAR_MAP_SIZE): PtdumpRun[] {
  const out: PtdumpRun[] = []
  forEachSpan(pt, start, end, (s) => {
    const attrs = s.leaf ? s.attrs : null
    const last = out[out.length - 1]
    if (last && last.va + last.size === s.va && sameRange(last, s.level, attrs)) last.size += s.size
    else out.push({ va: virt(s.va), size: s.size, level: s.level, attrs })
  })
  return out
}

/** note_page()'s size column: `%9lu%c` of the size in K, scaled while it divides by 1024. */
export function ptdumpSize(bytes: number): string {
  const units = 'KMGTPE'
  let delta = Math.floor(bytes / 1024)
  let u = 0
  while (delta % 1024 === 0 && u + 1 < units.length) {
    delta /= 1024
    u++
  }
  return `${String(delta).padStart(9)}${units[u]}`
}

/** dump_prot(): one ` %s` per pte_bits[] row whose set or clear string applies. */
function dumpProt(prot: bigint): string {
  let s = ''
  for (const b of PTE_BITS) {
    const text = (prot & b.mask) === b.val ? b.set : b.clear
    if (text !== undefined) s += ` ${text}`
  }
  return s
}

const hex16 = (va: number): string => '0x' + virtToBig(virt(va)).toString(16).padStart(16, '0')

/** The text of one line, as note_page() prints it (plus ` NS` for a shared range). */
export function formatPtdumpRun(r: PtdumpRun): string {
  let line = `${hex16(r.va)}-${hex16(r.va + r.size)}   ${ptdumpSize(r.size)} ${PTDUMP_LEVEL_NAME[r.level]}`
  if (r.attrs !== null) {
    const prot = ptdumpProt(r.level, r.attrs)
    if (prot !== 0n) line += dumpProt(prot)
    if (r.attrs & Attr.NS_SHARED) line += ' NS'
  }
  return line
}

/** The linear-map section of kernel_page_tables: markers and one line per run. */
export function formatPtdump(runs: readonly PtdumpRun[]): string[] {
  return [LINEAR_MAP_START_MARKER, ...runs.map(formatPtdumpRun), LINEAR_MAP_END_MARKER]
}
