/*
 * Lowering declaration specifiers, declarators and type names (C11 6.7.2,
 * 6.7.6, 6.7.7) to the subset's CTypes: the kernel's integer typedefs (u64,
 * phys_addr_t...), `enum` as int, pointers (a `struct x *` only as an opaque
 * handle), the storage classes and `const` a declaration carries. Struct values,
 * arrays, floating point and function pointers are reported where they are.
 */
import type { CType } from '../ctype'
import { T_INT, namedType, pointerTo, sizedTypeName } from '../ctype'
import type { SyntaxNode } from '../tree'
import { type LowerContext, field, leaves, report, unsupported } from './context'

/** What a type specifier names: a type, or a struct only usable behind a pointer. */
export type BaseType = CType | { struct: string }

/** Storage class, qualifiers and base type of a declaration. */
export function specifiers(lx: LowerContext, n: SyntaxNode): { base: BaseType | undefined; isConst: boolean; storage: string[] } {
  const storage: string[] = []
  let isConst = false
  for (const c of n.children) {
    if (c.type === 'storage_class_specifier') storage.push(leaves(c).join(' '))
    else if (c.type === 'type_qualifier' && leaves(c).includes('const')) isConst = true
  }
  const t = field(n, 'type')
  return { base: t ? baseType(lx, t) : undefined, isConst, storage }
}

function baseType(lx: LowerContext, t: SyntaxNode): BaseType | undefined {
  switch (t.type) {
    case 'primitive_type':
    case 'type_identifier': {
      const ty = namedType(t.text)
      if (ty) return ty
      if (t.text === 'float' || t.text === 'double') unsupported(lx, t, 'floating point is not supported')
      else unsupported(lx, t, `unknown type '${t.text}'`)
      return undefined
    }
    case 'sized_type_specifier': {
      const name = sizedTypeName(leaves(t))
      if (name) return namedType(name)
      unsupported(lx, t, `type '${leaves(t).join(' ')}' is not supported`)
      return undefined
    }
    case 'struct_specifier': {
      const name = field(t, 'name')
      if (field(t, 'body') || !name) return void unsupported(lx, t)
      return { struct: `struct ${name.text}` }
    }
    case 'enum_specifier':
      if (field(t, 'body') && lx.fn) return void unsupported(lx, t, 'enum definitions inside a function are not supported')
      return T_INT
    default:
      unsupported(lx, t, `type '${leaves(t).join(' ')}' is not supported`)
      return undefined
  }
}

export function pointer(base: BaseType): CType {
  return 'struct' in base ? pointerTo({ name: base.struct, size: 0 }) : pointerTo(base)
}

/** A declared variable's type: no struct values, no void variables. */
export function valueType(lx: LowerContext, base: BaseType, at: SyntaxNode, isReturn = false): CType | undefined {
  if ('struct' in base) return void unsupported(lx, at, `${base.struct} values are not supported (use a pointer)`)
  if (base.t === 'void' && !isReturn) {
    report(lx, 'invalid', at.span, 'variable or parameter declared void')
    return undefined
  }
  return base
}

/** Unwrap a declarator: a variable (with its initializer) or a function prototype. */
export function declarator(
  lx: LowerContext,
  d: SyntaxNode,
  base: BaseType,
): { kind: 'var'; name: string; nameNode: SyntaxNode; ty: BaseType; init?: SyntaxNode } | { kind: 'fn' } | undefined {
  let ty = base
  let init: SyntaxNode | undefined
  let cur: SyntaxNode | undefined = d
  if (cur.type === 'init_declarator') {
    init = field(cur, 'value')
    cur = field(cur, 'declarator')
  }
  while (cur?.type === 'pointer_declarator') {
    ty = pointer(ty)
    cur = field(cur, 'declarator')
  }
  if (!cur) return undefined
  if (cur.type === 'function_declarator') {
    if (init) unsupported(lx, d, 'function pointers are not supported')
    return init ? undefined : { kind: 'fn' }
  }
  if (cur.type === 'array_declarator') return void unsupported(lx, cur, 'arrays are not supported')
  if (cur.type !== 'identifier') return void unsupported(lx, cur, 'this declarator is not supported (function pointers?)')
  if (init?.type === 'initializer_list') return void unsupported(lx, init)
  return { kind: 'var', name: cur.text, nameNode: cur, ty, init }
}

export function typeDescriptor(lx: LowerContext, n: SyntaxNode): CType | undefined {
  const spec = specifiers(lx, n)
  let ty = spec.base
  let d = field(n, 'declarator')
  while (ty && d?.type === 'abstract_pointer_declarator') {
    ty = pointer(ty)
    d = field(d, 'declarator')
  }
  if (d) return void unsupported(lx, d, 'this type is not supported')
  return ty && valueType(lx, ty, n, true)
}
