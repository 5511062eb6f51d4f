/*
 * How the debugger shows a C value, as a kernel developer reads one in gdb:
 * integers in decimal and in hex (two's complement at the variable's width, so
 * -16 in an int is 0xfffffff0), bool as true/false, a string literal quoted, and
 * a kernel handle (`pmd_t *`, `struct mm_walk *`, `&pgtable_split_lock`) by its
 * kernel type with its fields as children.
 */
import type { CType, CValue } from '../policy'
import { isHandle } from '../policy'

export interface Variable {
  name: string
  /** The C type as declared (a `kernel value` for what natives hand back). */
  type: string
  /** One-line display: `-16 (0xfffffff0)`, `true`, `"swiotlb"`, `pmd_t * {…}`. */
  value: string
  /** Integers only: decimal and hex text. */
  decimal?: string
  hex?: string
  /** A handle's fields, or nothing. */
  children?: Variable[]
}

/** A handle's kernel type as C spells it (`pmd` → `pmd_t *`, `mm_walk` → `struct mm_walk *`). */
export function handleType(handle: string): string {
  if (handle === 'ref') return 'void *'
  if (/^(pgd|p4d|pud|pmd|pte)$/.test(handle)) return `${handle}_t *`
  return `struct ${handle} *`
}

function bitsOf(ty: CType | undefined): number {
  if (ty?.t === 'int') return ty.bits
  if (ty?.t === 'bool') return 8
  return 64
}

export function hexOf(v: bigint, bits = 64): string {
  return `0x${BigInt.asUintN(bits, v).toString(16)}`
}

/** Show `v` as a variable of C type `ty` (undefined for an uninitialised local). */
export function variable(name: string, ty: CType | undefined, v: CValue | undefined): Variable {
  const type = ty?.name ?? 'kernel value'
  if (v === undefined) return { name, type, value: '<uninitialised>' }
  if (typeof v === 'bigint') {
    if (ty?.t === 'bool') return { name, type, value: v ? 'true' : 'false', decimal: v.toString(), hex: hexOf(v, 8) }
    // A kernel value wider than 64 bits (natives compute exactly) is shown as it is.
    const bits = v >= -(1n << 63n) && v < 1n << 64n ? bitsOf(ty) : 0
    const hex = bits ? hexOf(v, bits) : `0x${v.toString(16)}`
    return { name, type, value: `${v} (${hex})`, decimal: v.toString(), hex }
  }
  if (typeof v === 'string') return { name, type, value: JSON.stringify(v) }
  if (isHandle(v)) {
    const kernelType = handleType(v.handle)
    if (v.handle === 'ref') {
      const target = (v as { name?: string }).name
      return { name, type: kernelType, value: `&${target}` }
    }
    const children = Object.entries(v.fields ?? {}).map(([field, value]) => variable(field, undefined, value))
    const shown = children.map((c) => `${c.name}=${c.hex ?? c.value}`).join(', ')
    return { name, type: kernelType, value: `${kernelType} {${shown}}`, children }
  }
  return { name, type, value: String(v) }
}
