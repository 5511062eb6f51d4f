/*
 * Descriptor encoding and the kernel's pte/pmd/pud predicates
 * (arch/arm64/include/asm/pgtable-hwdef.h, pgtable-prot.h, pgtable.h; pgattr_change_is_safe()
 * from arch/arm64/mm/mmu.c).
 *
 * The kernel keeps every attribute in the 64-bit descriptor. The model keeps a leaf as an
 * output address plus a small number bitmask (Attrs) of the bits that change at boot, and
 * builds the real descriptor only at its edges (hover, the Oops walk line, a policy's
 * set_pmd). Bits every kernel linear-map leaf carries are fixed (KERNEL_LEAF_BITS); a
 * descriptor with bits the model cannot represent is rejected rather than silently dropped.
 */
import { PAGE_SIZE, PGDIR_SIZE, PMD_SIZE, PUD_SIZE, type PhysAddr, phys } from '../memory/addr'

/** arm64 lookup level of an entry: 0 PGD, 1 PUD, 2 PMD, 3 PTE (P4D is folded into the PGD). */
export type Level = 0 | 1 | 2 | 3
/** Bytes one entry of a table at each level maps. */
export const LEVEL_SIZE: readonly number[] = [PGDIR_SIZE, PUD_SIZE, PMD_SIZE, PAGE_SIZE]
export const LEVEL_NAME = ['pgd', 'pud', 'pmd', 'pte'] as const

/* Descriptor bits (pgtable-hwdef.h). */
export const PTE_VALID = 1n
export const PTE_TYPE_MASK = 3n
export const PTE_TYPE_PAGE = 3n
export const PMD_TYPE_MASK = 3n
export const PMD_TYPE_TABLE = 3n
export const PMD_TYPE_SECT = 1n
export const PTE_ATTRINDX_MASK = 7n << 2n
export const MT_NORMAL = 0n
export const MT_NORMAL_TAGGED = 1n
export const PTE_RDONLY = 1n << 7n
export const PTE_SHARED = 3n << 8n
export const PTE_AF = 1n << 10n
export const PTE_NG = 1n << 11n
/** The 2/3 patch's "present-invalid" encoding reuses nG: meaningful only when !VALID. */
export const PTE_PRESENT_INVALID = PTE_NG
/** PTE_WRITE is the DBM bit; PAGE_KERNEL has it, set_memory_ro() clears it. */
export const PTE_WRITE = 1n << 51n
export const PTE_CONT = 1n << 52n
export const PTE_PXN = 1n << 53n
export const PTE_UXN = 1n << 54n
export const PTE_DIRTY = 1n << 55n
export const PTE_SWBITS_MASK = 0xfn << 55n
export const PMD_TABLE_AF = 1n << 10n
export const PMD_TABLE_PXN = 1n << 59n
export const PMD_TABLE_UXN = 1n << 60n
/** Output address field of a 48-bit-PA descriptor, bits 47:12. */
export const PTE_ADDR_MASK = ((1n << 48n) - 1n) & ~0xfffn
/** Realm PROT_NS_SHARED is the top IPA bit; bit 47 is the top of a 48-bit IPA space. */
export const DEFAULT_NS_SHARED_BIT = 47

/**
 * Bits every kernel linear-map leaf carries and the model never changes: AF, inner
 * shareable, AttrIndx MT_NORMAL_TAGGED (map_mem uses pgprot_tagged(PAGE_KERNEL)) and
 * PTE_DIRTY. Matches the leaf in the 2/3 patch's crash log (pmd=00e8000199600704).
 */
export const KERNEL_LEAF_BITS = PTE_AF | PTE_SHARED | (MT_NORMAL_TAGGED << 2n) | PTE_DIRTY
/** Table descriptors as __pmd_populate writes them: type, UXNTable, AF (PXNTable optional). */
const TABLE_BITS = PMD_TYPE_TABLE | PMD_TABLE_UXN | PMD_TABLE_AF

/** The attributes the model tracks per leaf, as one small bitmask. */
export const Attr = {
  /** Descriptor bit 0. */
  VALID: 1 << 0,
  /** PTE_NG (bit 11): "present-invalid" when !VALID, non-global when VALID. */
  PRESENT_INVALID: 1 << 1,
  /** AP[2], bit 7. */
  RDONLY: 1 << 2,
  /** PTE_WRITE/DBM, bit 51. */
  WRITE: 1 << 3,
  /** Contiguous hint, bit 52. */
  CONT: 1 << 4,
  PXN: 1 << 5,
  UXN: 1 << 6,
  /** Realm PROT_NS_SHARED (an output-address bit; its position is a page-table parameter). */
  NS_SHARED: 1 << 7,
} as const
export type Attrs = number

/** PAGE_KERNEL and PAGE_KERNEL_RO as attribute masks (pgtable-prot.h). */
export const PAGE_KERNEL: Attrs = Attr.VALID | Attr.WRITE | Attr.PXN | Attr.UXN
export const PAGE_KERNEL_RO: Attrs = Attr.VALID | Attr.RDONLY | Attr.PXN | Attr.UXN

export type Entry =
  | { kind: 'none' }
  /** Points to the next-level table page at `pa`; pxnTable is PMD_TABLE_PXN. */
  | { kind: 'table'; pa: PhysAddr; pxnTable: boolean }
  /** PUD block, PMD block or page, whether or not VALID is set. */
  | { kind: 'leaf'; pa: PhysAddr; attrs: Attrs }

export const NONE: Entry = { kind: 'none' }

const ATTR_BITS: readonly [number, bigint][] = [
  [Attr.RDONLY, PTE_RDONLY],
  [Attr.PRESENT_INVALID, PTE_NG],
  [Attr.WRITE, PTE_WRITE],
  [Attr.CONT, PTE_CONT],
  [Attr.PXN, PTE_PXN],
  [Attr.UXN, PTE_UXN],
]

/*
 * Descriptors are 64-bit BigInts, and every `|` or `&` on one allocates. The conversions
 * below depend only on a few small inputs (attributes, level, the NS_SHARED bit, a mask), so
 * each result is computed once and looked up after that: a boot converts the same handful
 * of attribute sets thousands of times.
 */
const NS_BITS = Array.from({ length: 64 }, (_, i) => 1n << BigInt(i))
/** A policy controls masks and descriptors: past this many entries a cache starts again rather than grow. */
const CACHE_LIMIT = 4096

function nsBit(nsSharedBit: number): bigint {
  return NS_BITS[nsSharedBit]
}

/** attrsToBits() by `attrs * 64 + nsSharedBit`. */
const BITS_BY_ATTRS = new Map<number, bigint>()

/** The descriptor bits of a leaf's attributes, type bits excluded. */
export function attrsToBits(attrs: Attrs, nsSharedBit = DEFAULT_NS_SHARED_BIT): bigint {
  const key = attrs * 64 + nsSharedBit
  let d = BITS_BY_ATTRS.get(key)
  if (d === undefined) {
    d = KERNEL_LEAF_BITS
    for (const [a, bit] of ATTR_BITS) if (attrs & a) d |= bit
    if (attrs & Attr.NS_SHARED) d |= nsBit(nsSharedBit)
    if (BITS_BY_ATTRS.size >= CACHE_LIMIT) BITS_BY_ATTRS.clear()
    BITS_BY_ATTRS.set(key, d)
  }
  return d
}

const LEAF_ADDR_MASKS = ([0, 1, 2, 3] as const).map((level) => PTE_ADDR_MASK & ~(BigInt(LEVEL_SIZE[level]) - 1n))

/** Output-address bits of a leaf at `level` (PUD 47:30, PMD 47:21, page 47:12). */
function leafAddrMask(level: Level): bigint {
  return LEAF_ADDR_MASKS[level]
}

/** The real arm64 descriptor of an entry. */
export function toDescriptor(level: Level, entry: Entry, nsSharedBit = DEFAULT_NS_SHARED_BIT): bigint {
  if (entry.kind === 'none') return 0n
  if (entry.kind === 'table') {
    if (level === 3) throw new Error('a PTE cannot point to a table')
    checkAddress(entry.pa, PAGE_SIZE, nsSharedBit)
    return BigInt(entry.pa) | TABLE_BITS | (entry.pxnTable ? PMD_TABLE_PXN : 0n)
  }
  if (level === 0) throw new Error('no block mappings at the PGD level with a 4K granule')
  checkAddress(entry.pa, LEVEL_SIZE[level], nsSharedBit)
  const valid = entry.attrs & Attr.VALID ? PTE_VALID : 0n
  // Pages have bit 1 set (PTE_TYPE_PAGE); blocks have it clear (PMD_TYPE_SECT).
  const type = level === 3 ? 2n | valid : valid
  return BigInt(entry.pa) | type | attrsToBits(entry.attrs, nsSharedBit)
}

function checkAddress(pa: number, align: number, nsSharedBit: number): void {
  if (!Number.isInteger(pa) || pa < 0 || pa >= 2 ** 48 || pa % align !== 0) {
    throw new Error(`output address 0x${pa.toString(16)} is not a ${align}-aligned 48-bit PA`)
  }
  if (pa >= 2 ** nsSharedBit && Math.floor(pa / 2 ** nsSharedBit) % 2 === 1) {
    throw new Error(`output address 0x${pa.toString(16)} has the NS_SHARED bit ${nsSharedBit} set`)
  }
}

/** Decode a descriptor; throws on encodings the model does not represent. */
export function fromDescriptor(level: Level, desc: bigint, nsSharedBit = DEFAULT_NS_SHARED_BIT): Entry {
  if (desc === 0n) return NONE
  const ns = nsBit(nsSharedBit)
  const type = desc & 3n
  if (type === PMD_TYPE_TABLE && level < 3) {
    const extra = desc & ~(PTE_ADDR_MASK | TABLE_BITS | PMD_TABLE_PXN)
    if (extra !== 0n || (desc & TABLE_BITS) !== TABLE_BITS || (desc & ns) !== 0n) {
      throw new Error(`unmodelled table descriptor 0x${hex64(desc)} at level ${level}`)
    }
    return { kind: 'table', pa: phys(Number(desc & PTE_ADDR_MASK)), pxnTable: (desc & PMD_TABLE_PXN) !== 0n }
  }
  if (level === 0) throw new Error(`unmodelled PGD descriptor 0x${hex64(desc)}`)
  // A leaf: a page has bit 1 set, a block has it clear; bit 0 is VALID either way.
  const wantBit1 = level === 3 ? 2n : 0n
  if ((type & 2n) !== wantBit1) {
    throw new Error(`descriptor 0x${hex64(desc)} is neither a ${level === 3 ? 'page' : 'block'} nor a table at level ${level}`)
  }
  return { kind: 'leaf', pa: phys(Number(desc & leafAddrMask(level) & ~ns)), attrs: leafAttrsOf(level, desc, nsSharedBit) }
}

/** Leaf attributes by level and NS_SHARED bit, then by the descriptor's bits outside the output address. */
const LEAF_ATTRS = new Map<number, Map<bigint, Attrs>>()

/** The Attrs of a leaf descriptor (its type already checked); throws on bits the model does not represent. */
function leafAttrsOf(level: Level, desc: bigint, nsSharedBit: number): Attrs {
  const ns = nsBit(nsSharedBit)
  const bits = desc & ~(leafAddrMask(level) & ~ns)
  let byBits = LEAF_ATTRS.get(level * 64 + nsSharedBit)
  if (!byBits) LEAF_ATTRS.set(level * 64 + nsSharedBit, (byBits = new Map()))
  const cached = byBits.get(bits)
  if (cached !== undefined) return cached
  let attrs = desc & PTE_VALID ? Attr.VALID : 0
  let known = 3n | KERNEL_LEAF_BITS | leafAddrMask(level) | ns
  for (const [a, bit] of ATTR_BITS) {
    known |= bit
    if (desc & bit) attrs |= a
  }
  if (desc & ns) attrs |= Attr.NS_SHARED
  if ((desc & ~known) !== 0n || (desc & KERNEL_LEAF_BITS) !== KERNEL_LEAF_BITS) {
    throw new Error(
      `descriptor 0x${hex64(desc)} has bits the model does not represent (unexpected 0x${hex64(desc & ~known)}, ` +
        `missing 0x${hex64(KERNEL_LEAF_BITS & ~desc)})`,
    )
  }
  if (byBits.size >= CACHE_LIMIT) byBits.clear()
  byBits.set(bits, attrs)
  return attrs
}

/**
 * A pageattr mask (struct page_change_data set_mask/clear_mask) as Attrs. Setting a fixed
 * kernel bit is a no-op; clearing one, or touching the type or address bits, is an error.
 */
export function maskToAttrs(mask: bigint, role: 'set' | 'clear', nsSharedBit = DEFAULT_NS_SHARED_BIT): Attrs {
  const byMask = MASK_ATTRS[role][nsSharedBit] ??= new Map()
  const cached = byMask.get(mask)
  if (cached !== undefined) return cached
  const attrs = maskAttrs(mask, role, nsSharedBit)
  if (byMask.size >= CACHE_LIMIT) byMask.clear()
  byMask.set(mask, attrs)
  return attrs
}

/** maskToAttrs() by role and NS_SHARED bit, then by mask (valid masks only: a bad one throws every time). */
const MASK_ATTRS: Record<'set' | 'clear', Map<bigint, Attrs>[]> = { set: [], clear: [] }

function maskAttrs(mask: bigint, role: 'set' | 'clear', nsSharedBit: number): Attrs {
  let attrs = mask & PTE_VALID ? Attr.VALID : 0
  let known = PTE_VALID | nsBit(nsSharedBit)
  for (const [a, bit] of ATTR_BITS) {
    known |= bit
    if (mask & bit) attrs |= a
  }
  if (mask & nsBit(nsSharedBit)) attrs |= Attr.NS_SHARED
  const fixed = mask & KERNEL_LEAF_BITS & ~known
  if (role === 'clear' && fixed !== 0n) throw new Error(`cannot clear fixed kernel bits 0x${hex64(fixed)}`)
  const unknown = mask & ~(known | KERNEL_LEAF_BITS)
  if (unknown !== 0n) throw new Error(`${role} mask 0x${hex64(mask)} touches unmodelled bits 0x${hex64(unknown)}`)
  return attrs
}

function hex64(v: bigint): string {
  return v.toString(16).padStart(16, '0')
}

/* The kernel's predicates, over raw descriptors (arch/arm64/include/asm/pgtable.h). */

/** pte_none(): the descriptor is all zero. */
export const pte_none = (d: bigint): boolean => d === 0n
/** pte_valid(): bit 0 set; the MMU may use the entry. */
export const pte_valid = (d: bigint): boolean => (d & PTE_VALID) !== 0n
/** pte_present(): valid, or invalid with PTE_PRESENT_INVALID (kernel still owns a mapping). */
export const pte_present = (d: bigint): boolean => pte_valid(d) || (d & (PTE_VALID | PTE_PRESENT_INVALID)) === PTE_PRESENT_INVALID
/** pte_cont(): the contiguous hint (bit 52). */
export const pte_cont = (d: bigint): boolean => (d & PTE_CONT) !== 0n
/** pmd_none(): the descriptor is all zero. */
export const pmd_none = pte_none
/** pmd_present(): pte_present() on the PMD. */
export const pmd_present = pte_present
/** pmd_cont(): the contiguous hint on a PMD block. */
export const pmd_cont = pte_cont
/** pmd_table(): bits[1:0] == 0b11, a pointer to a PTE table. */
export const pmd_table = (d: bigint): boolean => (d & PMD_TYPE_MASK) === PMD_TYPE_TABLE
/** pmd_sect(): bits[1:0] == 0b01, a *valid* block (false for an invalidated block). */
export const pmd_sect = (d: bigint): boolean => (d & PMD_TYPE_MASK) === PMD_TYPE_SECT
/** pmd_leaf(): present and not a table (true for a present-invalid block). */
export const pmd_leaf = (d: bigint): boolean => pmd_present(d) && !pmd_table(d)
/** pmd_bad(): not a table (arm64 defines it as !pmd_table()). */
export const pmd_bad = (d: bigint): boolean => !pmd_table(d)
/** pud_none(): the descriptor is all zero. */
export const pud_none = pte_none
/** pud_present(): pte_present() on the PUD. */
export const pud_present = pte_present
/** pud_table(): bits[1:0] == 0b11, a pointer to a PMD table. */
export const pud_table = pmd_table
/** pud_sect(): bits[1:0] == 0b01, a valid 1 GiB block. */
export const pud_sect = pmd_sect
/** pud_leaf(): present and not a table. */
export const pud_leaf = (d: bigint): boolean => pud_present(d) && !pud_table(d)

/**
 * pgattr_change_is_safe(): may a live kernel entry go from `old` to `next` without
 * break-before-make? Create paths BUG() when not.
 */
export function pgattr_change_is_safe(old: bigint, next: bigint): boolean {
  let mask = PTE_PXN | PTE_RDONLY | PTE_WRITE | PTE_NG | PTE_SWBITS_MASK
  // Creating or taking down a mapping is always safe.
  if (!pte_valid(old) || !pte_valid(next)) return true
  // A live entry's output address must not change.
  if ((old & PTE_ADDR_MASK) !== (next & PTE_ADDR_MASK)) return false
  // Live contiguous mappings may not be manipulated at all.
  if ((old | next) & PTE_CONT) return false
  // Non-global to global is unsafe.
  if (old & ~next & PTE_NG) return false
  const normal = (d: bigint) => {
    const idx = (d & PTE_ATTRINDX_MASK) >> 2n
    return idx === MT_NORMAL || idx === MT_NORMAL_TAGGED
  }
  if (normal(old) && normal(next)) mask |= PTE_ATTRINDX_MASK
  return ((old ^ next) & ~mask) === 0n
}
