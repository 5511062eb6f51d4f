// Descriptor encoding and the kernel predicates, with values worked out from the arm64 bit layout.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  Attr,
  type Entry,
  type Level,
  PAGE_KERNEL,
  PTE_AF,
  PTE_CONT,
  PTE_NG,
  PTE_RDONLY,
  PTE_VALID,
  PTE_WRITE,
  fromDescriptor,
  maskToAttrs,
  pgattr_change_is_safe,
  pmd_cont,
  pmd_leaf,
  pmd_present,
  pmd_sect,
  pmd_table,
  pte_present,
  pud_leaf,
  pud_sect,
  toDescriptor,
} from '../../../src/core/pgtable'
import { phys } from '../../../src/core/memory/addr'

const leaf = (pa: number, attrs: number): Entry => ({ kind: 'leaf', pa: phys(pa), attrs })

describe('toDescriptor', () => {
  it('encodes a valid PAGE_KERNEL PUD block: type 0b01, AF, SH, AttrIndx 1, DBM, PXN, UXN, DIRTY', () => {
    // 0x705 = AttrIndx 1 (bit 2) | SH 0b11 (bits 8-9) | AF (bit 10) | type 0b01; top: bits 55,54,53,51.
    expect(toDescriptor(1, leaf(0x40000000, PAGE_KERNEL))).toBe(0x00e8000040000705n)
  })

  it('encodes a page with type 0b11', () => {
    expect(toDescriptor(3, leaf(0x40001000, PAGE_KERNEL))).toBe(0x00e8000040001707n)
  })

  it('reproduces the invalidated, shared PMD of the 2/3 crash log (NS_SHARED = bit 32)', () => {
    const attrs = Attr.WRITE | Attr.PXN | Attr.UXN | Attr.NS_SHARED
    expect(toDescriptor(2, leaf(0x99600000, attrs), 32)).toBe(0x00e8000199600704n)
  })

  it('reproduces the table entries of the crash log (p4d=180000009ffff403)', () => {
    expect(toDescriptor(0, { kind: 'table', pa: phys(0x9ffff000), pxnTable: true })).toBe(0x180000009ffff403n)
    expect(toDescriptor(1, { kind: 'table', pa: phys(0x9fffe000), pxnTable: false })).toBe(0x100000009fffe403n)
  })

  it('sets nG for PRESENT_INVALID and bit 52 for CONT', () => {
    expect(toDescriptor(2, leaf(0x40200000, Attr.PRESENT_INVALID | Attr.WRITE | Attr.PXN | Attr.UXN))).toBe(0x00e8000040200f04n)
    expect(toDescriptor(2, leaf(0x42000000, PAGE_KERNEL | Attr.CONT))).toBe(0x00f8000042000705n)
  })

  it('rejects misaligned output addresses, PGD blocks and PTE tables', () => {
    expect(() => toDescriptor(2, leaf(0x40201000, PAGE_KERNEL))).toThrow(/aligned/)
    expect(() => toDescriptor(0, leaf(0, PAGE_KERNEL))).toThrow(/PGD/)
    expect(() => toDescriptor(3, { kind: 'table', pa: phys(0x1000), pxnTable: false })).toThrow(/PTE/)
    expect(() => toDescriptor(3, leaf(2 ** 47, PAGE_KERNEL))).toThrow(/NS_SHARED/)
  })
})

describe('fromDescriptor', () => {
  it('decodes the crash-log PMD and tables', () => {
    expect(fromDescriptor(2, 0x00e8000199600704n, 32)).toEqual(leaf(0x99600000, Attr.WRITE | Attr.PXN | Attr.UXN | Attr.NS_SHARED))
    expect(fromDescriptor(1, 0x180000009fffe403n)).toEqual({ kind: 'table', pa: 0x9fffe000, pxnTable: true })
    expect(fromDescriptor(2, 0n)).toEqual({ kind: 'none' })
  })

  it('round-trips every entry the model can hold', () => {
    const entry = fc.oneof(
      fc.record({ level: fc.constantFrom<Level>(1, 2, 3), frame: fc.integer({ min: 0, max: 2 ** 17 - 1 }), attrs: fc.integer({ min: 0, max: 255 }) }).map(
        ({ level, frame, attrs }) => ({ level, e: leaf(frame * [0, 2 ** 30, 2 ** 21, 2 ** 12][level], attrs) }),
      ),
      fc.record({ level: fc.constantFrom<Level>(0, 1, 2), frame: fc.integer({ min: 0, max: 2 ** 35 - 1 }), pxn: fc.boolean() }).map(
        ({ level, frame, pxn }) => ({ level, e: { kind: 'table', pa: phys(frame * 4096), pxnTable: pxn } as Entry }),
      ),
    )
    fc.assert(
      fc.property(entry, ({ level, e }) => {
        expect(fromDescriptor(level, toDescriptor(level, e))).toEqual(e)
      }),
    )
  })

  it('rejects encodings the model does not hold', () => {
    expect(() => fromDescriptor(3, 0x00e8000040000705n)).toThrow(/neither a page/) // block type at level 3
    expect(() => fromDescriptor(2, 0x00e8000040200707n & ~0x4n)).toThrow() // AttrIndx 0 + table type
    expect(() => fromDescriptor(2, 0x00e8000040200701n)).toThrow(/does not represent/) // AttrIndx 0
    expect(() => fromDescriptor(2, 0x00e8000040200705n & ~PTE_AF)).toThrow(/missing/)
    expect(() => fromDescriptor(2, 0x00e8000040201705n)).toThrow(/does not represent/) // OA bit 12 in a block
    expect(() => fromDescriptor(0, 0x00e8000040000705n)).toThrow(/PGD/)
  })

  it('converts from what it has seen, but a bad encoding is refused every time (only good ones are remembered)', () => {
    const good = 0x00e8000040200705n
    const bad = 0x00e8000040201705n // the same attributes with OA bit 12 set in a block
    for (let i = 0; i < 3; i++) {
      expect(fromDescriptor(2, good)).toEqual(leaf(0x40200000, Attr.VALID | Attr.WRITE | Attr.PXN | Attr.UXN))
      expect(() => fromDescriptor(2, bad)).toThrow(/does not represent/)
      expect(() => maskToAttrs(PTE_AF, 'clear')).toThrow(/fixed/)
      expect(maskToAttrs(PTE_AF, 'set')).toBe(0)
    }
  })
})

describe('predicates', () => {
  const validBlock = 0x00e8000040200705n
  const invalidBlock = 0x00e8000040200704n
  const presentInvalidBlock = 0x00e8000040200f04n
  const table = 0x180000009ffff403n
  it.each([
    // desc, sect, leaf, present, table
    ['valid block', validBlock, true, true, true, false],
    ['invalid block without PRESENT_INVALID', invalidBlock, false, false, false, false],
    ['present-invalid block', presentInvalidBlock, false, true, true, false],
    ['table', table, false, false, true, true],
  ])('%s', (_name, d, sect, isLeaf, present, isTable) => {
    expect([pmd_sect(d), pmd_leaf(d), pmd_present(d), pmd_table(d)]).toEqual([sect, isLeaf, present, isTable])
    expect([pud_sect(d), pud_leaf(d)]).toEqual([sect, isLeaf])
  })

  it('pte_present and pmd_cont', () => {
    expect(pte_present(0x00e8000040001706n)).toBe(false)
    expect(pte_present(0x00e8000040001706n | PTE_NG)).toBe(true)
    expect(pmd_cont(0x00f8000042000705n)).toBe(true)
    expect(pmd_cont(validBlock)).toBe(false)
  })
})

describe('maskToAttrs', () => {
  it('maps pageattr masks to attributes', () => {
    expect(maskToAttrs(PTE_RDONLY, 'set')).toBe(Attr.RDONLY)
    expect(maskToAttrs(PTE_VALID | PTE_NG, 'clear')).toBe(Attr.VALID | Attr.PRESENT_INVALID)
    expect(maskToAttrs(1n << 47n, 'set')).toBe(Attr.NS_SHARED)
    expect(maskToAttrs(1n << 32n, 'set', 32)).toBe(Attr.NS_SHARED)
    expect(maskToAttrs(PTE_AF, 'set')).toBe(0)
  })
  it('refuses to clear fixed bits or touch unmodelled ones', () => {
    expect(() => maskToAttrs(PTE_AF, 'clear')).toThrow(/fixed/)
    expect(() => maskToAttrs(1n << 56n, 'set')).toThrow(/unmodelled/)
    expect(() => maskToAttrs(2n, 'set')).toThrow(/unmodelled/)
  })
})

describe('pgattr_change_is_safe', () => {
  const rw = 0x00e8000040001707n
  const ro = (rw & ~PTE_WRITE) | PTE_RDONLY
  it('allows permission changes, creation and teardown', () => {
    expect(pgattr_change_is_safe(rw, ro)).toBe(true)
    expect(pgattr_change_is_safe(0n, rw)).toBe(true)
    expect(pgattr_change_is_safe(rw, 0n)).toBe(true)
  })
  it('refuses output-address changes, live CONT changes and nG to global', () => {
    expect(pgattr_change_is_safe(rw, rw + 0x1000n)).toBe(false)
    expect(pgattr_change_is_safe(rw, rw | PTE_CONT)).toBe(false)
    expect(pgattr_change_is_safe(rw | PTE_NG, rw)).toBe(false)
  })
})
