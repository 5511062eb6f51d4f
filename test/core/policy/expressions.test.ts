import { describe, expect, test } from 'vitest'
import { load, natives, run, runError } from './harness'

/** Value of `expr` returned from a function of the given return type. */
const value = (expr: string, ret = 'long', prelude = '') => run(`${prelude}\n${ret} f(void) { return ${expr}; }`)

describe('literals', () => {
  test.each([
    ['42', 42n],
    ['0x1f', 31n],
    ['010', 8n],
    ['0b101', 5n],
    ['7UL', 7n],
    ["'a'", 97n],
    ["'\\n'", 10n],
    ["'\\x41'", 65n],
    ["'\\101'", 65n],
    ["'\\\\'", 92n],
    ['true', 1n],
    ['false', 0n],
    ['NULL == 0', 1n],
    ['true + true', 2n],
  ])('%s', (expr, expected) => {
    expect(value(expr)).toBe(expected)
  })

  test('strings, with escapes and adjacent-literal concatenation, reach natives intact', () => {
    let got: unknown
    const t = natives({ pr_info: [{ min: 1 }, (_c, args) => void (got = args)] })
    run('int f(void) { pr_info("a" "b\\t%d\\n", 3); return 0; }', 'f', [], t)
    expect(got).toEqual(['ab\t%d\n', 3n])
  })
})

describe('operators follow C on arm64 (LP64)', () => {
  test.each([
    ['7 + 3 * 2', 13n],
    ['(7 + 3) * 2', 20n],
    ['7 / 2', 3n],
    ['-7 / 2', -3n],
    ['-7 % 3', -1n],
    ['7 % -3', 1n],
    ['1 << 4', 16n],
    ['-16 >> 2', -4n],
    ['0xf0 & 0x3c', 0x30n],
    ['0xf0 | 0x0f', 0xffn],
    ['0xff ^ 0x0f', 0xf0n],
    ['~0', -1n],
    ['!5', 0n],
    ['!0', 1n],
    ['-(-3) + +4', 7n],
    ['3 < 4', 1n],
    ['3 >= 4', 0n],
    ['3 == 3', 1n],
    ['3 != 3', 0n],
    ['1 && 0 || 1', 1n],
    ['0 ? 1 : 2', 2n],
    ['5 ? 1 : 2', 1n],
    ['(1, 2, 3)', 3n],
    // the usual arithmetic conversions
    ['-1 < 0U', 0n],
    ['-1L < 0U', 1n],
    ['-1 == 0xffffffff', 1n],
    ['0U - 1', 0xffffffffn],
    ['0UL - 1 > 0', 1n],
    ['1L << 40', 1n << 40n],
    ['0x7fffffff + 1', -2147483648n],
    ['2147483648 + 1', 2147483649n],
  ])('%s', (expr, expected) => {
    expect(value(expr)).toBe(expected)
  })

  test('exact 64-bit kernel addresses', () => {
    expect(value('0xffff000000000000UL + 0x1000', 'unsigned long')).toBe(0xffff000000001000n)
    expect(value('0xffff000000000000UL + 0x1000', 'long')).toBe(0xffff000000001000n - 2n ** 64n)
    expect(value('0xffff000000000000UL >> 48', 'unsigned long')).toBe(0xffffn)
    expect(value('~0UL', 'unsigned long')).toBe(2n ** 64n - 1n)
  })

  test('short-circuit evaluation', () => {
    expect(run('int f(void) { int x = 0; if (0 && (x = 1)) {} if (1 || (x = 2)) {} return x; }')).toBe(0n)
    expect(run('int f(void) { int x = 0; int y = 1 ? 5 : (x = 9); return x * 10 + y; }')).toBe(5n)
  })

  test('casts apply the target width', () => {
    expect(value('(int)0x1ffffffffUL', 'long')).toBe(-1n)
    expect(value('(unsigned int)-1', 'long')).toBe(0xffffffffn)
    expect(value('(char)-1', 'long')).toBe(255n)
    expect(value('(s8)200', 'long')).toBe(-56n)
    expect(value('(bool)256', 'long')).toBe(1n)
    expect(value('(unsigned long)(void *)5', 'long')).toBe(5n)
  })

  test('casts to kernel typedefs that tree-sitter reads as expressions', () => {
    expect(value('(u64)-1', 'unsigned long')).toBe(2n ** 64n - 1n)
    expect(value('(u64)-1 >> 63', 'int')).toBe(1n)
    expect(value('(u64)-1 * 2 == (u64)-2', 'int')).toBe(1n)
    expect(value('(u32)-1 == 0xffffffff', 'int')).toBe(1n)
    expect(value('(phys_addr_t)(3) + 1', 'long')).toBe(4n)
    expect(value('sizeof(u64) + sizeof(gfp_t)', 'long')).toBe(12n)
  })

  test('sizeof of simple types and expressions', () => {
    expect(value('sizeof(long)')).toBe(8n)
    expect(value('sizeof(unsigned long)')).toBe(8n)
    expect(value('sizeof(int)')).toBe(4n)
    expect(value('sizeof(bool)')).toBe(1n)
    expect(value('sizeof(pmd_t *)')).toBe(8n)
    expect(value('sizeof(struct mm_walk *)')).toBe(8n)
    expect(run('long f(void) { u16 h = 1; return sizeof h + sizeof(h + 1); }')).toBe(6n)
  })

  test('pointer arithmetic on addresses steps by the pointee size', () => {
    expect(run('int f(void) { void *p = (void *)0x1000; p = p + 1; return p == (void *)0x1001; }')).toBe(1n)
    expect(run('long f(void) { u64 *p = (u64 *)0x1000; p++; return (long)p; }')).toBe(0x1008n)
    expect(run('long f(void) { u64 *p = (u64 *)0x1000, *q = (u64 *)0x1040; return q - p; }')).toBe(8n)
  })
})

describe('integer wrapping on every store', () => {
  test('int, unsigned long, bool, u8', () => {
    expect(run('int f(void) { int x = 0x80000000; return x; }')).toBe(-2147483648n)
    expect(run('unsigned long f(void) { unsigned long a = -1; return a; }')).toBe(2n ** 64n - 1n)
    expect(run('unsigned int f(void) { unsigned int a = -1; return a; }')).toBe(0xffffffffn)
    expect(run('int f(void) { bool b = 5; return b; }')).toBe(1n)
    expect(run('int f(void) { bool b = 0; b--; return b; }')).toBe(1n)
    expect(run('unsigned char f(void) { return 300; }')).toBe(44n)
    expect(run('int f(void) { u8 a = 200, b = 100; return a + b; }')).toBe(300n)
    expect(run('long f(void) { int x = 2147483647; x++; return x; }')).toBe(-2147483648n)
  })

  test('parameters and returns are converted too', () => {
    const it = load('int id(int x) { return x; }\nunsigned long u(long x) { return x; }\nint f(void) { return id(0x100000005); }')
    expect(it.call('f', [])).toBe(5n)
    expect(it.call('id', [0xffffffffn])).toBe(-1n)
    expect(it.call('u', [-2n])).toBe(2n ** 64n - 2n)
  })

  test('globals read back wrapped', () => {
    const it = load('int g = 0x80000000;\nunsigned long m = -1;\nbool b = 7;')
    expect(it.getGlobal('g')).toBe(-2147483648n)
    expect(it.getGlobal('m')).toBe(2n ** 64n - 1n)
    expect(it.getGlobal('b')).toBe(1n)
    it.setGlobal('g', 0x1_0000_0002n)
    expect(it.getGlobal('g')).toBe(2n)
  })
})

describe('assignment', () => {
  test('compound assignments', () => {
    expect(run('int f(void) { int a = 7; a += 3; a -= 1; a *= 4; a /= 3; return a; }')).toBe(12n)
    expect(run('int f(void) { int a = 7; a <<= 2; a >>= 1; a %= 5; a ^= 1; a |= 8; a &= 12; return a; }')).toBe(12n)
    expect(run('int f(void) { unsigned int a = 0; a -= 1; return a == 0xffffffff; }')).toBe(1n)
  })

  test('assignment is an expression with the stored value', () => {
    expect(run('int f(void) { int a, b; a = b = 300; return a + b; }')).toBe(600n)
    expect(run('int f(void) { u8 a; int b = (a = 300); return b; }')).toBe(44n)
  })

  test('++ and -- before and after', () => {
    expect(run('int f(void) { int i = 0, j; j = i++ + i++; return j * 10 + i; }')).toBe(12n)
    expect(run('int f(void) { int i = 5; return --i + i--; }')).toBe(8n)
    expect(run('int f(void) { int i = 5; int a = i++; int b = ++i; return a * 100 + b * 10 + i; }')).toBe(577n)
  })
})

describe('runtime errors at the offending expression', () => {
  test('division and remainder by zero', () => {
    const it = load('int f(int d)\n{\n\treturn 10 / d;\n}\nint g(int d) { return 10 % d; }')
    expect(runError(it, 'f', [0n])).toMatchObject({ code: 'runtime', message: 'division by zero', line: 3, column: 9 })
    expect(runError(it, 'g', [0n])).toMatchObject({ code: 'runtime', message: 'division by zero', line: 5, column: 23 })
  })

  test('shift counts out of range for the type', () => {
    const it = load('int f(int s) { return 1 << s; }\nlong g(int s) { return 1L << s; }')
    expect(runError(it, 'f', [32n])).toMatchObject({ message: 'shift count 32 is out of range for a 32-bit value', column: 23 })
    expect(runError(it, 'f', [-1n])).toMatchObject({ message: 'shift count -1 is out of range for a 32-bit value' })
    expect(it.call('g', [63n])).toBe(-(2n ** 63n))
    expect(runError(it, 'g', [64n])).toMatchObject({ message: 'shift count 64 is out of range for a 64-bit value' })
  })

  test('reading an uninitialised local', () => {
    const it = load('int f(int c)\n{\n\tint ret;\n\tif (c)\n\t\tret = 1;\n\treturn ret;\n}')
    expect(it.call('f', [1n])).toBe(1n)
    expect(runError(it, 'f', [0n])).toMatchObject({ code: 'runtime', message: "'ret' is used uninitialised", line: 6, column: 9 })
  })

  test('a handle used in arithmetic', () => {
    const h = { handle: 'pmd', fields: {} }
    const t = natives({ get: [0, () => h] })
    const it = load('long f(void) { return get() + 1; }\nlong g(void) { long x = get(); return x; }\nint k(void) { return -get(); }', t)
    expect(runError(it, 'f')).toMatchObject({ message: 'a handle (pmd) used in arithmetic', column: 23 })
    expect(runError(it, 'g')).toMatchObject({ message: "cannot convert a handle (pmd) to 'long'" })
    expect(runError(it, 'k')).toMatchObject({ message: 'a handle (pmd) used in arithmetic' })
  })

  test('a native that returns nothing, used as a value', () => {
    const t = natives({ nothing: [0, () => {}] })
    const it = load('int f(void) { return nothing() + 1; }\nint g(void) { nothing(); return 2; }', t)
    expect(runError(it, 'f')).toMatchObject({ message: "'nothing' returned no value", column: 22 })
    expect(it.call('g', [])).toBe(2n)
  })
})
