/*
 * Address spaces of the arm64 linear map (arch/arm64/include/asm/memory.h).
 *
 * The kernel's linear map sends physical address PA to
 *   VA = PAGE_OFFSET + (PA - PHYS_OFFSET)
 * with PAGE_OFFSET = 0xffff000000000000 for 48-bit VAs. A 64-bit VA does not fit
 * in a JS number, so the model keeps a VirtAddr as the VA's low 48 bits (the
 * offset from PAGE_OFFSET): every index and alignment computation on bits 47..0
 * is exact, and `formatVirt` prints the full kernel VA. PHYS_OFFSET is the start
 * of RAM rounded down to 1 GiB (ARM64_MEMSTART_ALIGN with 4K pages; simplified).
 * Branded types keep a physical address from being passed where a virtual one is
 * expected.
 */

export type PhysAddr = number & { readonly __brand: 'PhysAddr' }
export type VirtAddr = number & { readonly __brand: 'VirtAddr' }

export const phys = (n: number): PhysAddr => n as PhysAddr
export const virt = (n: number): VirtAddr => n as VirtAddr

export const SZ_4K = 0x1000
export const SZ_64K = 0x10000
export const SZ_2M = 0x200000
export const SZ_32M = 0x2000000
export const SZ_1G = 0x40000000

export const PAGE_SHIFT = 12
export const PAGE_SIZE = SZ_4K
/** CONT_PTE: 16 PTEs with the contiguous hint = 64 KiB. */
export const CONT_PTES = 16
export const CONT_PTE_SIZE = CONT_PTES * PAGE_SIZE
export const PMD_SIZE = SZ_2M
/** CONT_PMD: 16 PMD blocks with the contiguous hint = 32 MiB. */
export const CONT_PMDS = 16
export const CONT_PMD_SIZE = CONT_PMDS * PMD_SIZE
export const PUD_SIZE = SZ_1G
export const PGDIR_SHIFT = 39
export const PGDIR_SIZE = 2 ** PGDIR_SHIFT
/** Entries in one 4 KiB table page. */
export const PTRS_PER_TABLE = 512

/** 48-bit VA: the top 16 bits of a kernel VA are all ones. */
export const VA_BITS = 48
export const PAGE_OFFSET_HIGH = 0xffffn << 48n
/** The linear map covers the lower half of the kernel VA range. */
export const LINEAR_MAP_SIZE = 2 ** (VA_BITS - 1)
const LINEAR_MAP_SIZE_BIG = BigInt(LINEAR_MAP_SIZE)
const LOW_48 = (1n << 48n) - 1n

export function alignDown(x: number, align: number): number {
  return x - (x % align)
}
export function alignUp(x: number, align: number): number {
  const r = x % align
  return r === 0 ? x : x + (align - r)
}

/** The linear-map translation fixed at boot: PHYS_OFFSET (memstart_addr). */
export interface LinearMapLayout {
  readonly physOffset: PhysAddr
}

export function physOffsetFor(ramStart: PhysAddr): PhysAddr {
  return phys(alignDown(ramStart, SZ_1G))
}

/** __phys_to_virt(): PA to linear-map VA. */
export function physToVirt(layout: LinearMapLayout, pa: PhysAddr): VirtAddr {
  return virt(pa - layout.physOffset)
}
/** __virt_to_phys() for a linear-map VA. */
export function virtToPhys(layout: LinearMapLayout, va: VirtAddr): PhysAddr {
  return phys(va + layout.physOffset)
}

/** The full 64-bit kernel VA, as the policy and the console see it. */
export function virtToBig(va: VirtAddr): bigint {
  return PAGE_OFFSET_HIGH | BigInt(va)
}
/** Inverse of virtToBig; null when the value is not a linear-map VA. */
export function bigToVirt(v: bigint): VirtAddr | null {
  if ((v >> 48n) !== 0xffffn) return null
  const low = v & LOW_48
  if (low >= LINEAR_MAP_SIZE_BIG) return null
  return virt(Number(low))
}

export function hex(n: number | bigint, width = 0): string {
  return n.toString(16).padStart(width, '0')
}
/** `ffff0000c0000000`: how dmesg prints a kernel VA (%016lx). */
export function formatVirt(va: VirtAddr): string {
  return hex(virtToBig(va), 16)
}
export function formatPhys(pa: PhysAddr): string {
  return '0x' + hex(pa, 9)
}

/** Human size as the kernel prints it in boot logs (64 MiB, 2 MiB, 64 KiB). */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [[SZ_1G * 1024, 'TiB'], [SZ_1G, 'GiB'], [1 << 20, 'MiB'], [1 << 10, 'KiB']]
  for (const [u, name] of units) {
    if (bytes >= u && bytes % u === 0) return `${bytes / u} ${name}`
  }
  for (const [u, name] of units) {
    if (bytes >= u) return `${(bytes / u).toFixed(1)} ${name}`
  }
  return `${bytes} B`
}
