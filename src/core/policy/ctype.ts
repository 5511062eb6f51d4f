/*
 * C types of the policy subset, as arm64 Linux (LP64) has them.
 *
 * Integers carry their width and signedness, so the interpreter can wrap a
 * value on every store and apply C's integer promotions and usual arithmetic
 * conversions to every operator: `unsigned long a = 0; a - 1 > 0` is true, as
 * in the kernel. Kernel typedefs are rows of a table (`u64`, `phys_addr_t`,
 * `gfp_t`). The page-table entry types (`pmd_t`, `pud_t`, `pte_t`, `pgprot_t`)
 * are structs in the kernel; the model treats them as their 64-bit descriptor
 * value, as `pmd_val()` would give it.
 *
 * Two kinds exist only here: `dyn`, the type of whatever natives hand back
 * (function results, native constants, handle fields), which is computed with
 * as an exact mathematical integer until it is stored into a typed variable;
 * and pointers, whose value is either an address (bigint), a Handle, or a
 * string literal.
 */

export interface IntType {
  readonly t: 'int'
  readonly bits: 8 | 16 | 32 | 64
  readonly signed: boolean
  readonly name: string
}
export interface BoolType {
  readonly t: 'bool'
  readonly name: 'bool'
}
export interface PtrType {
  readonly t: 'ptr'
  /** Pointee type name, `void`, `pmd_t`, `struct mm_walk`. */
  readonly to: string
  /** sizeof(*p), the step of pointer arithmetic; 0 for an incomplete struct. */
  readonly size: number
  readonly name: string
}
export interface VoidType {
  readonly t: 'void'
  readonly name: 'void'
}
export interface DynType {
  readonly t: 'dyn'
  readonly name: 'kernel value'
}
export type CType = IntType | BoolType | PtrType | VoidType | DynType

const int = (bits: IntType['bits'], signed: boolean, name: string): IntType => ({ t: 'int', bits, signed, name })

export const T_INT = int(32, true, 'int')
export const T_UINT = int(32, false, 'unsigned int')
export const T_LONG = int(64, true, 'long')
export const T_ULONG = int(64, false, 'unsigned long')
export const T_BOOL: BoolType = { t: 'bool', name: 'bool' }
export const T_VOID: VoidType = { t: 'void', name: 'void' }
export const T_DYN: DynType = { t: 'dyn', name: 'kernel value' }
export const T_SIZE = int(64, false, 'size_t')

/** Built-in and kernel type names: spelling → type. */
const NAMED = new Map<string, CType>([
  ['int', T_INT],
  ['unsigned int', T_UINT],
  ['long', T_LONG],
  ['unsigned long', T_ULONG],
  ['short', int(16, true, 'short')],
  ['unsigned short', int(16, false, 'unsigned short')],
  // arm64 Linux builds with -funsigned-char.
  ['char', int(8, false, 'char')],
  ['signed char', int(8, true, 'signed char')],
  ['unsigned char', int(8, false, 'unsigned char')],
  ['bool', T_BOOL],
  ['_Bool', T_BOOL],
  ['void', T_VOID],
  ['u8', int(8, false, 'u8')],
  ['u16', int(16, false, 'u16')],
  ['u32', int(32, false, 'u32')],
  ['u64', int(64, false, 'u64')],
  ['s8', int(8, true, 's8')],
  ['s16', int(16, true, 's16')],
  ['s32', int(32, true, 's32')],
  ['s64', int(64, true, 's64')],
  ['uint8_t', int(8, false, 'uint8_t')],
  ['uint16_t', int(16, false, 'uint16_t')],
  ['uint32_t', int(32, false, 'uint32_t')],
  ['uint64_t', int(64, false, 'uint64_t')],
  ['int8_t', int(8, true, 'int8_t')],
  ['int16_t', int(16, true, 'int16_t')],
  ['int32_t', int(32, true, 'int32_t')],
  ['int64_t', int(64, true, 'int64_t')],
  ['size_t', T_SIZE],
  ['ssize_t', int(64, true, 'ssize_t')],
  ['uintptr_t', int(64, false, 'uintptr_t')],
  ['phys_addr_t', int(64, false, 'phys_addr_t')],
  ['dma_addr_t', int(64, false, 'dma_addr_t')],
  ['pgoff_t', int(64, false, 'pgoff_t')],
  ['gfp_t', int(32, false, 'gfp_t')],
  ['pgprot_t', int(64, false, 'pgprot_t')],
  ['pgd_t', int(64, false, 'pgd_t')],
  ['p4d_t', int(64, false, 'p4d_t')],
  ['pud_t', int(64, false, 'pud_t')],
  ['pmd_t', int(64, false, 'pmd_t')],
  ['pte_t', int(64, false, 'pte_t')],
  ['pudval_t', int(64, false, 'pudval_t')],
  ['pmdval_t', int(64, false, 'pmdval_t')],
  ['pteval_t', int(64, false, 'pteval_t')],
])

/** The type a name spells (`u64`, `unsigned long`), if the subset knows it. */
export const namedType = (name: string): CType | undefined => NAMED.get(name)

/** True for typedef names a `(name)` in an expression must be read as a cast to. */
export const isTypedefName = (name: string): boolean => NAMED.has(name) && !name.includes(' ')

/** `signed`/`unsigned`/`short`/`long` words (+ optional int/char) → the canonical spelling, or undefined. */
export function sizedTypeName(words: readonly string[]): string | undefined {
  let unsigned = false
  let longs = 0
  let short = false
  let base = ''
  for (const w of words) {
    if (w === 'unsigned') unsigned = true
    else if (w === 'long') longs++
    else if (w === 'short') short = true
    else if (w === 'int' || w === 'char') base = w
    else if (w !== 'signed') return undefined
  }
  const signedChar = words.includes('signed') && base === 'char'
  if (base === 'char') return longs || short ? undefined : unsigned ? 'unsigned char' : signedChar ? 'signed char' : 'char'
  if (short) return longs ? undefined : unsigned ? 'unsigned short' : 'short'
  // LP64: long and long long are both 64 bits.
  if (longs > 0) return unsigned ? 'unsigned long' : 'long'
  return unsigned ? 'unsigned int' : 'int'
}

/** `T *`: the pointer type to a pointee of the given type name and size. */
export function pointerTo(to: CType | { name: string; size: number }): PtrType {
  const size = 'size' in to ? to.size : sizeOf(to)
  return { t: 'ptr', to: to.name, size, name: to.name.endsWith('*') ? `${to.name}*` : `${to.name} *` }
}

/** sizeof, in bytes; `void` is 1 as GNU C has it for pointer arithmetic. */
export function sizeOf(ty: CType): number {
  switch (ty.t) {
    case 'int':
      return ty.bits / 8
    case 'bool':
    case 'void':
      return 1
    case 'ptr':
    case 'dyn':
      return 8
  }
}

export const isInteger = (ty: CType): ty is IntType | BoolType => ty.t === 'int' || ty.t === 'bool'

/** Integer promotion: bool, char and short become int. */
export function promote(ty: IntType | BoolType): IntType {
  if (ty.t === 'bool' || ty.bits < 32) return T_INT
  return ty
}

/** The usual arithmetic conversions of two promoted integer types. */
export function commonType(a: IntType, b: IntType): IntType {
  if (a.bits === b.bits && a.signed === b.signed) return a
  if (a.signed === b.signed) return a.bits > b.bits ? a : b
  const [u, s] = a.signed ? [b, a] : [a, b]
  // A wider signed type holds every value of the unsigned one (long vs unsigned int).
  return u.bits >= s.bits ? u : s
}

/** Reduce an exact integer to what a variable of this integer type holds. */
export function wrapInt(ty: IntType | BoolType, v: bigint): bigint {
  if (ty.t === 'bool') return v === 0n ? 0n : 1n
  return ty.signed ? BigInt.asIntN(ty.bits, v) : BigInt.asUintN(ty.bits, v)
}

export interface IntLiteral {
  value: bigint
  ty: IntType
}

/**
 * A C integer constant (`42`, `0x1000UL`, `010`, `0b11`) with the type C gives it
 * (C11 6.4.4.1; GCC makes a too-large decimal constant unsigned long). Returns
 * a string explaining why when the text is not an integer constant.
 */
export function parseIntLiteral(text: string): IntLiteral | string {
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(text)
  if (!m) return /^[0-9.]/.test(text) && /[.eEpP]/.test(text) && !/^0[xX][0-9a-fA-F]*$/.test(text) ? 'floating point is not supported' : `'${text}' is not an integer constant`
  const [, digits, suffix] = m
  const s = suffix.toLowerCase()
  if (!['', 'u', 'l', 'ul', 'lu', 'll', 'ull', 'llu'].includes(s)) return `invalid suffix '${suffix}' on integer constant`
  const value = digits.length > 1 && digits[0] === '0' && /[0-7]/.test(digits[1]) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits)
  if (value >= 1n << 64n) return 'integer constant is too large for its type'
  const decimal = /^[1-9]/.test(digits)
  const unsigned = s.includes('u')
  const long = s.includes('l')
  const candidates: IntType[] = unsigned
    ? long ? [T_ULONG] : [T_UINT, T_ULONG]
    : decimal
      ? long ? [T_LONG, T_ULONG] : [T_INT, T_LONG, T_ULONG]
      : long ? [T_LONG, T_ULONG] : [T_INT, T_UINT, T_LONG, T_ULONG]
  const ty = candidates.find((c) => wrapInt(c, value) === value) ?? T_ULONG
  return { value, ty }
}
