/*
 * ptdump against hand-worked kernel output. Each expected line was written by hand from
 * arch/arm64/mm/ptdump.c: note_page() prints "0x%016lx-0x%016lx   " then "%9lu%c %s"
 * (size in K, divided by 1024 while it divides evenly; the level name), then for a non-zero
 * prot dump_prot() prints " %s" per pte_bits[] row:
 *   VALID " "/"F"  USER "USR"/"   "  RDONLY "ro"/"RW"  PXN "NX"/"x "  SHARED "SHD"/"   "
 *   AF "AF"/"  "  NG "NG"/"  "  CONT "CON"/"   "  TABLE_BIT "   "/"BLK"  UXN "UXN"/"   "
 *   GP "GP"/"  "  then the one matching memory type ("MEM/NORMAL-TAGGED" for map_mem's
 *   pgprot_tagged(PAGE_KERNEL)).
 * A PAGE_KERNEL block therefore reads, after the level name:
 *   "  " + "    " + " RW" + " NX" + " SHD" + " AF" + "   " + "    " + " BLK" + " UXN" + "   " + " MEM/NORMAL-TAGGED"
 * Holes (ptdump_hole(), val 0) print only the size and level (PGD for an empty PGD entry,
 * PUD for an empty PUD entry, ...). The model's own column: " NS" after a shared range.
 */
import { describe, expect, it } from 'vitest'
import { SZ_1G, SZ_2M, phys, virt } from '../../../src/core/memory/addr'
import { NO_CONT_MAPPINGS, PAGE_KERNEL, PageTable, createMapping, splitKernelLeafMappingLocked, walkRange } from '../../../src/core/pgtable'
import { formatPtdump, ptdumpSize, ptdumpWalk } from '../../../src/core/pgtable/ptdump'
import { bump } from './bump'

const X = 0x40000000
const MiB = 1 << 20
const KiB = 1 << 10

const dump = (pt: PageTable) => formatPtdump(ptdumpWalk(pt))

// The tail of every dump that maps only inside the first GiB: the rest of the PUD table, then PGD entries 1..255.
const PUD_HOLE_511G = '0xffff000040000000-0xffff008000000000         511G PUD'
const PGD_HOLE = '0xffff008000000000-0xffff800000000000      130560G PGD'

describe('ptdump (arch/arm64/mm/ptdump.c note_page) on hand-worked maps', () => {
  it('sizes like note_page(): K, then M, G, T while the value divides by 1024', () => {
    expect(ptdumpSize(4 * KiB)).toBe('        4K')
    expect(ptdumpSize(1976 * KiB)).toBe('     1976K')
    expect(ptdumpSize(SZ_2M)).toBe('        2M')
    expect(ptdumpSize(SZ_1G)).toBe('        1G')
    expect(ptdumpSize(1024 * SZ_1G)).toBe('        1T')
    expect(ptdumpSize(2 ** 47 - 2 ** 39)).toBe('   130560G')
  })

  it('a 1 GiB PUD block between PUD holes', () => {
    const pt = new PageTable()
    createMapping(pt, virt(SZ_1G), phys(SZ_1G), SZ_1G, PAGE_KERNEL, 0, bump(0x9ff00000).alloc)
    expect(dump(pt)).toEqual([
      '---[ Linear Mapping start ]---',
      '0xffff000000000000-0xffff000040000000           1G PUD',
      '0xffff000040000000-0xffff000080000000           1G PUD       RW NX SHD AF        BLK UXN    MEM/NORMAL-TAGGED',
      '0xffff000080000000-0xffff008000000000         510G PUD',
      PGD_HOLE,
      '---[ Linear Mapping end ]---',
    ])
  })

  it('a CONT_PMD run (16 blocks with CON) then a PMD block without it', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(X), 34 * MiB, PAGE_KERNEL, 0, bump(0x9ff00000).alloc)
    expect(dump(pt)).toEqual([
      '---[ Linear Mapping start ]---',
      '0xffff000000000000-0xffff000002000000          32M PMD       RW NX SHD AF    CON BLK UXN    MEM/NORMAL-TAGGED',
      '0xffff000002000000-0xffff000002200000           2M PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL-TAGGED',
      '0xffff000002200000-0xffff000040000000         990M PMD',
      PUD_HOLE_511G,
      PGD_HOLE,
      '---[ Linear Mapping end ]---',
    ])
  })

  it('a split edge: split_kernel_leaf_mapping_locked() inside a PUD block leaves CONT_PTE and PTE runs between PMD runs', () => {
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    createMapping(pt, virt(0), phys(X), SZ_1G, PAGE_KERNEL, 0, a.alloc)
    // split_pud (to CONT PMDs), split_contpmd of [0, 32M), split_pmd of [2M, 4M) (to CONT PTEs), split_contpte of [2M+64K, 2M+128K).
    expect(splitKernelLeafMappingLocked(pt, virt(0x211000), a.alloc)).toBe(0)
    expect(dump(pt)).toEqual([
      '---[ Linear Mapping start ]---',
      '0xffff000000000000-0xffff000000200000           2M PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL-TAGGED',
      '0xffff000000200000-0xffff000000210000          64K PTE       RW NX SHD AF    CON     UXN    MEM/NORMAL-TAGGED',
      '0xffff000000210000-0xffff000000220000          64K PTE       RW NX SHD AF            UXN    MEM/NORMAL-TAGGED',
      '0xffff000000220000-0xffff000000400000        1920K PTE       RW NX SHD AF    CON     UXN    MEM/NORMAL-TAGGED',
      '0xffff000000400000-0xffff000002000000          28M PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL-TAGGED',
      '0xffff000002000000-0xffff000040000000         992M PMD       RW NX SHD AF    CON BLK UXN    MEM/NORMAL-TAGGED',
      PUD_HOLE_511G,
      PGD_HOLE,
      '---[ Linear Mapping end ]---',
    ])
  })

  it('a shared range: NS_SHARED set on two pages splits the run and carries the model NS column; empty PTEs print as a PTE hole', () => {
    const pt = new PageTable()
    const a = bump(0x9ff00000)
    createMapping(pt, virt(0), phys(X), 2 * MiB + 72 * KiB, PAGE_KERNEL, NO_CONT_MAPPINGS, a.alloc)
    expect(walkRange(pt, virt(2 * MiB + 64 * KiB), virt(2 * MiB + 72 * KiB), { pteMasks: { set: 1n << 47n, clear: 0n } })).toBe(0)
    expect(dump(pt)).toEqual([
      '---[ Linear Mapping start ]---',
      '0xffff000000000000-0xffff000000200000           2M PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL-TAGGED',
      '0xffff000000200000-0xffff000000210000          64K PTE       RW NX SHD AF            UXN    MEM/NORMAL-TAGGED',
      '0xffff000000210000-0xffff000000212000           8K PTE       RW NX SHD AF            UXN    MEM/NORMAL-TAGGED NS',
      '0xffff000000212000-0xffff000000400000        1976K PTE',
      '0xffff000000400000-0xffff000040000000        1020M PMD',
      PUD_HOLE_511G,
      PGD_HOLE,
      '---[ Linear Mapping end ]---',
    ])
  })

  it('an invalid (present-invalid) block prints F and NG, as the kernel prints any descriptor with the bits set', () => {
    const pt = new PageTable()
    createMapping(pt, virt(0), phys(X), SZ_2M, PAGE_KERNEL, NO_CONT_MAPPINGS, bump(0x9ff00000).alloc)
    // set_memory_valid(addr, 1, 0) with the 2/3 patch: clear PTE_VALID, set PTE_PRESENT_INVALID (nG).
    walkRange(pt, virt(0), virt(SZ_2M), {
      pmd: (ref) => {
        ref.write((ref.read() & ~1n) | (1n << 11n))
        return 0
      },
    })
    expect(dump(pt)[1]).toBe('0xffff000000000000-0xffff000000200000           2M PMD F     RW NX SHD AF NG     BLK UXN    MEM/NORMAL-TAGGED')
  })
})
