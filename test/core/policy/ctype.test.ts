import { describe, expect, test } from 'vitest'
import { T_INT, T_LONG, T_UINT, T_ULONG, commonType, namedType, parseIntLiteral, promote, sizedTypeName, wrapInt } from '../../../src/core/policy/ctype'

describe('integer constants get the type C gives them', () => {
  test.each([
    ['0', 0n, 'int'],
    ['42', 42n, 'int'],
    ['2147483648', 2147483648n, 'long'],
    ['0x80000000', 0x80000000n, 'unsigned int'],
    ['0xffffffff', 0xffffffffn, 'unsigned int'],
    ['0x100000000', 0x100000000n, 'long'],
    ['0xffff000000000000', 0xffff000000000000n, 'unsigned long'],
    ['18446744073709551615', 18446744073709551615n, 'unsigned long'],
    ['1U', 1n, 'unsigned int'],
    ['1UL', 1n, 'unsigned long'],
    ['1ull', 1n, 'unsigned long'],
    ['1LU', 1n, 'unsigned long'],
    ['3L', 3n, 'long'],
    ['010', 8n, 'int'],
    ['0b101', 5n, 'int'],
  ])('%s', (text, value, type) => {
    const lit = parseIntLiteral(text)
    expect(typeof lit === 'string' ? lit : { value: lit.value, type: lit.ty.name }).toEqual({ value, type })
  })

  test('errors say why', () => {
    expect(parseIntLiteral('1.5')).toBe('floating point is not supported')
    expect(parseIntLiteral('1e3')).toBe('floating point is not supported')
    expect(parseIntLiteral('0x1p3')).toBe('floating point is not supported')
    expect(parseIntLiteral('0x10000000000000000')).toBe('integer constant is too large for its type')
    expect(parseIntLiteral('1UUL')).toBe("invalid suffix 'UUL' on integer constant")
    expect(parseIntLiteral('08')).toBe("'08' is not an integer constant")
  })
})

describe('conversions', () => {
  test('promotion and the usual arithmetic conversions (LP64)', () => {
    expect(promote(namedType('u8') as never)).toBe(T_INT)
    expect(promote(namedType('bool') as never)).toBe(T_INT)
    expect(commonType(T_INT, T_UINT)).toBe(T_UINT)
    expect(commonType(T_LONG, T_UINT)).toBe(T_LONG)
    expect(commonType(T_LONG, T_ULONG)).toBe(T_ULONG)
    expect(commonType(T_INT, T_LONG)).toBe(T_LONG)
  })

  test('wrapping to a type', () => {
    expect(wrapInt(T_INT, 0x80000000n)).toBe(-2147483648n)
    expect(wrapInt(T_UINT, -1n)).toBe(0xffffffffn)
    expect(wrapInt(T_ULONG, -1n)).toBe(2n ** 64n - 1n)
    expect(wrapInt(namedType('bool') as never, 7n)).toBe(1n)
    expect(wrapInt(namedType('u8') as never, 300n)).toBe(44n)
  })

  test('sized type spellings', () => {
    expect(sizedTypeName(['unsigned', 'long', 'long', 'int'])).toBe('unsigned long')
    expect(sizedTypeName(['long', 'long'])).toBe('long')
    expect(sizedTypeName(['unsigned'])).toBe('unsigned int')
    expect(sizedTypeName(['short', 'int'])).toBe('short')
    expect(sizedTypeName(['unsigned', 'char'])).toBe('unsigned char')
    expect(sizedTypeName(['long', 'double'])).toBeUndefined()
  })

  test('kernel typedefs', () => {
    expect(namedType('phys_addr_t')).toMatchObject({ t: 'int', bits: 64, signed: false })
    expect(namedType('pmd_t')).toMatchObject({ t: 'int', bits: 64, signed: false })
    expect(namedType('gfp_t')).toMatchObject({ t: 'int', bits: 32, signed: false })
    expect(namedType('s32')).toMatchObject({ t: 'int', bits: 32, signed: true })
    expect(namedType('struct page')).toBeUndefined()
  })
})
