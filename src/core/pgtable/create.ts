/*
 * Creating kernel mappings: arch/arm64/mm/mmu.c __create_pgd_mapping() → alloc_init_pud()
 * → alloc_init_cont_pmd() → init_pmd() → alloc_init_cont_pte() → init_pte().
 *
 * Same decisions as the kernel: a PUD block when addr, next and phys are 1 GiB aligned and
 * blocks are allowed; else per 32 MiB chunk the contiguous hint on the PMDs when the chunk
 * is CONT_PMD aligned; a PMD block when 2 MiB aligned; else a PTE table with CONT on each
 * 64 KiB-aligned chunk. Same BUG_ON()s (thrown as Errors). Simplification: a fresh PMD
 * table that one call fills completely is written as one run (and its 512 PTE tables, if
 * it needs them, allocated in one call) instead of entry by entry.
 */
import {
  CONT_PMD_SIZE,
  CONT_PTE_SIZE,
  PAGE_SIZE,
  PGDIR_SIZE,
  PMD_SIZE,
  PTRS_PER_TABLE,
  PUD_SIZE,
  alignDown,
  alignUp,
  formatVirt,
  phys as asPhys,
  type PhysAddr,
  virt,
  type VirtAddr,
} from '../memory/addr'
import { EINVAL, ENOMEM } from './errno'
import { type PageTable, type PgtableAlloc, type PgtableType, pgtableAlloc } from './pgd'
import { Attr, type Attrs, LEVEL_NAME, pgattr_change_is_safe, toDescriptor } from './prot'
import { PgTable } from './table'

/* Flags of __create_pgd_mapping (arch/arm64/mm/mmu.c). */
export const NO_BLOCK_MAPPINGS = 1 << 0
export const NO_CONT_MAPPINGS = 1 << 1
export const NO_EXEC_MAPPINGS = 1 << 2

interface MapCall {
  pt: PageTable
  flags: number
  alloc: PgtableAlloc
}

/** p?d_addr_end(): the end of the entry containing addr, or end if sooner. */
function addrEnd(addr: number, end: number, size: number): number {
  return Math.min(alignDown(addr, size) + size, end)
}

/** ((addr | next | phys) & ~MASK) == 0 */
function allAligned(addr: number, next: number, pa: number, size: number): boolean {
  return addr % size === 0 && next % size === 0 && pa % size === 0
}

/**
 * __create_pgd_mapping(): map [va, va + size) to pa with `prot` (Attrs; CONT is decided
 * here). Returns 0, -EINVAL when pa and va differ within a page (the kernel WARNs and
 * returns) or -ENOMEM when alloc fails (the kernel's early allocator panics instead).
 */
export function createMapping(
  pt: PageTable,
  va: VirtAddr,
  pa: PhysAddr,
  size: number,
  prot: Attrs,
  flags: number,
  alloc: PgtableAlloc,
): number {
  if (pa % PAGE_SIZE !== va % PAGE_SIZE) return -EINVAL
  if (size <= 0) return 0
  let addr = alignDown(va, PAGE_SIZE)
  let phys = alignDown(pa, PAGE_SIZE)
  const end = alignUp(va + size, PAGE_SIZE)
  if (end > 2 ** 48) throw new Error('mapping beyond the 48-bit VA space')
  const call: MapCall = { pt, flags, alloc }
  prot &= ~Attr.CONT
  while (addr !== end) {
    const next = addrEnd(addr, end, PGDIR_SIZE)
    const ret = allocInitPud(call, addr, next, phys, prot)
    if (ret) return ret
    phys += next - addr
    addr = next
  }
  return 0
}

/**
 * The table entry i of `parent` points to, allocating and installing a zeroed one when the
 * entry is none (alloc_init_* "if (p?d_none)" branch). Throws the kernel's BUG_ON for a leaf.
 */
function tableFor(call: MapCall, parent: PgTable, i: number, type: PgtableType): PgTable | null {
  if (parent.isTable(i)) return parent.child(i)
  if (!parent.isNone(i)) {
    const name = LEVEL_NAME[parent.level]
    const d = toDescriptor(parent.level, parent.entry(i), call.pt.nsSharedBit)
    const check = parent.leafAttrs(i) & Attr.VALID ? `${name}_sect` : `${name}_bad`
    throw new Error(`kernel BUG: BUG_ON(${check}(${name})) mapping over a block at ${formatVirt(virt(parent.entryVa(i)))} (${name}=${d.toString(16).padStart(16, '0')})`)
  }
  const pa = pgtableAlloc(call.pt, call.alloc, type, 1)
  if (pa === null) return null
  const t = PgTable.empty((parent.level + 1) as 1 | 2 | 3, pa, parent.entryVa(i), call.pt.leaves)
  parent.setTable(i, t, (call.flags & NO_EXEC_MAPPINGS) !== 0)
  return t
}

/**
 * pud_set_huge()/pmd_set_huge()/init_pte(): leaves [from, to) of `table`, with the kernel's
 * BUG_ON(!pgattr_change_is_safe(old, new)) on every entry overwritten.
 */
function setLeaves(call: MapCall, table: PgTable, from: number, to: number, attrs: Attrs, pa: number): void {
  const ns = call.pt.nsSharedBit
  const size = table.entrySize
  // A RUN's entries differ only by output offset, so the first one decides for all.
  const last = table.leafRun() ? from + 1 : to
  for (let i = from; i < last; i++) {
    if (table.isNone(i)) continue
    const old = toDescriptor(table.level, table.entry(i), ns)
    const next = toDescriptor(table.level, { kind: 'leaf', pa: asPhys(pa + (i - from) * size), attrs }, ns)
    if (!pgattr_change_is_safe(old, next)) {
      // The kernel wrote the entries before this one.
      if (i > from) table.setLeafSpan(from, i, attrs, pa)
      throw new Error(
        `kernel BUG: BUG_ON(!pgattr_change_is_safe()) remapping ${formatVirt(virt(table.entryVa(i)))}: ` +
          `old=${old.toString(16).padStart(16, '0')} new=${next.toString(16).padStart(16, '0')}`,
      )
    }
  }
  table.setLeafSpan(from, to, attrs, pa)
}

/** alloc_init_pud() (with the folded alloc_init_p4d()): one PGD entry's share of the range. */
function allocInitPud(call: MapCall, addr: number, end: number, phys: number, prot: Attrs): number {
  const pgd = call.pt.pgd
  const pud = tableFor(call, pgd, pgd.index(addr), 'TABLE_PUD')
  if (!pud) return -ENOMEM
  while (addr !== end) {
    const next = addrEnd(addr, end, PUD_SIZE)
    const i = pud.index(addr)
    if (allAligned(addr, next, phys, PUD_SIZE) && !(call.flags & NO_BLOCK_MAPPINGS)) {
      setLeaves(call, pud, i, i + 1, prot, phys)
    } else {
      const ret = allocInitContPmd(call, pud, i, addr, next, phys, prot)
      if (ret) return ret
    }
    phys += next - addr
    addr = next
  }
  return 0
}

/** alloc_init_cont_pmd(): one PUD entry's range, in CONT_PMD-sized chunks. */
function allocInitContPmd(call: MapCall, pud: PgTable, i: number, addr: number, end: number, phys: number, prot: Attrs): number {
  const fresh = pud.isNone(i)
  const pmd = tableFor(call, pud, i, 'TABLE_PMD')
  if (!pmd) return -ENOMEM
  if (fresh && end - addr === PUD_SIZE && fillFreshPmd(call, pmd, phys, prot)) return 0
  while (addr !== end) {
    const next = addrEnd(addr, end, CONT_PMD_SIZE)
    // Use a contiguous mapping if the range is suitably aligned.
    const cont = allAligned(addr, next, phys, CONT_PMD_SIZE) && !(call.flags & NO_CONT_MAPPINGS)
    const ret = initPmd(call, pmd, addr, next, phys, cont ? prot | Attr.CONT : prot)
    if (ret) return ret
    phys += next - addr
    addr = next
  }
  pmd.tryCollapse()
  return 0
}

/**
 * A zeroed PMD table covering a whole GiB: every chunk and every entry decides alike, so
 * write the result as one run. False when its 512 PTE tables cannot be had in one call:
 * the entry-by-entry path then fails at the same page the kernel would.
 */
function fillFreshPmd(call: MapCall, pmd: PgTable, phys: number, prot: Attrs): boolean {
  const noCont = (call.flags & NO_CONT_MAPPINGS) !== 0
  if (!(call.flags & NO_BLOCK_MAPPINGS) && phys % PMD_SIZE === 0) {
    const cont = !noCont && phys % CONT_PMD_SIZE === 0
    pmd.setLeafSpan(0, PTRS_PER_TABLE, cont ? prot | Attr.CONT : prot, phys)
    return true
  }
  const ptes = pgtableAlloc(call.pt, call.alloc, 'TABLE_PTE', PTRS_PER_TABLE)
  if (ptes === null) return false
  // CONT comes either from the CONT_PMD chunk (32 MiB aligned) or the CONT_PTE chunk (64 KiB).
  const cont = !noCont && phys % CONT_PTE_SIZE === 0
  pmd.setTableRun(ptes, cont ? prot | Attr.CONT : prot, phys, (call.flags & NO_EXEC_MAPPINGS) !== 0)
  return true
}

/**
 * init_pmd(): PMD blocks where 2 MiB aligned and allowed, PTE tables elsewhere. Consecutive
 * blocks (they share the chunk's prot and continue each other's output) are written as one span.
 */
function initPmd(call: MapCall, pmd: PgTable, addr: number, end: number, phys: number, prot: Attrs): number {
  const blocks = !(call.flags & NO_BLOCK_MAPPINGS)
  while (addr !== end) {
    const i = pmd.index(addr)
    let next = addrEnd(addr, end, PMD_SIZE)
    if (blocks && allAligned(addr, next, phys, PMD_SIZE)) {
      // The whole 2 MiB pieces that follow are blocks too: only the range's end can be unaligned.
      next = addr + Math.floor((end - addr) / PMD_SIZE) * PMD_SIZE
      setLeaves(call, pmd, i, i + (next - addr) / PMD_SIZE, prot, phys)
    } else {
      const ret = allocInitContPte(call, pmd, i, addr, next, phys, prot)
      if (ret) return ret
    }
    phys += next - addr
    addr = next
  }
  return 0
}

/**
 * alloc_init_cont_pte() + init_pte(): PTEs in CONT_PTE-sized chunks. Consecutive chunks
 * with the same prot are written as one span, so a table filled alike becomes one run.
 * `prot` may already carry CONT from a CONT_PMD chunk, as in the kernel.
 */
function allocInitContPte(call: MapCall, pmd: PgTable, i: number, addr: number, end: number, phys: number, prot: Attrs): number {
  const pte = tableFor(call, pmd, i, 'TABLE_PTE')
  if (!pte) return -ENOMEM
  let spanFrom = pte.index(addr)
  let spanPa = phys
  let spanProt = -1
  while (addr !== end) {
    const next = addrEnd(addr, end, CONT_PTE_SIZE)
    const p = allAligned(addr, next, phys, CONT_PTE_SIZE) && !(call.flags & NO_CONT_MAPPINGS) ? prot | Attr.CONT : prot
    if (p !== spanProt) {
      if (spanProt !== -1) setLeaves(call, pte, spanFrom, pte.index(addr), spanProt, spanPa)
      spanFrom = pte.index(addr)
      spanPa = phys
      spanProt = p
    }
    phys += next - addr
    addr = next
  }
  setLeaves(call, pte, spanFrom, pte.index(end - 1) + 1, spanProt, spanPa)
  pte.tryCollapse()
  return 0
}
