import { describe, expect, test } from 'vitest'
import { load, run, runError } from './harness'

describe('control flow', () => {
  test('if / else if / else', () => {
    const it = load('int f(int x)\n{\n\tif (x < 0)\n\t\treturn -1;\n\telse if (x == 0)\n\t\treturn 0;\n\telse\n\t\treturn 1;\n}')
    expect([it.call('f', [-5n]), it.call('f', [0n]), it.call('f', [9n])]).toEqual([-1n, 0n, 1n])
  })

  test('while, do-while, for', () => {
    expect(run('int f(void) { int i = 0; while (i < 10) i += 4; return i; }')).toBe(12n)
    expect(run('int f(void) { int i = 0; do { i += 3; } while (i < 10); return i; }')).toBe(12n)
    expect(run('int f(void) { int i = 100; do i++; while (0); return i; }')).toBe(101n)
    expect(run('int f(void) { int s = 0; for (int i = 0, j = 10; i < j; i++, j--) s += j - i; return s; }')).toBe(30n)
    expect(run('int f(void) { int i; for (i = 0; ; i++) if (i > 4) break; return i; }')).toBe(5n)
  })

  test('break and continue', () => {
    expect(run('int f(void) { int i, s = 0; for (i = 0; i < 10; i++) { if (i == 3) continue; if (i == 6) break; s += i; } return s; }')).toBe(12n)
    expect(run('int f(void) { int i = 0, s = 0; while (1) { i++; if (i & 1) continue; s += i; if (i >= 8) break; } return s; }')).toBe(20n)
    expect(run('int f(void) { int i = 0, n = 0; do { i++; if (i < 5) continue; n++; } while (i < 7); return n; }')).toBe(3n)
  })

  test('nested loops: break leaves only the inner one', () => {
    expect(run('int f(void) { int n = 0; for (int i = 0; i < 3; i++) for (int j = 0; j < 10; j++) { if (j == 2) break; n++; } return n; }')).toBe(6n)
  })

  test('empty statements and blocks', () => {
    expect(run('int f(void) { ; {} { ; } return 7; }')).toBe(7n)
  })

  test('void functions return nothing (0 to the host)', () => {
    const it = load('int x;\nvoid set(int v) { x = v; return; }\nvoid set2(int v) { return set(v + 1); }')
    expect(it.call('set', [4n])).toBe(0n)
    expect(it.getGlobal('x')).toBe(4n)
    it.call('set2', [5n])
    expect(it.getGlobal('x')).toBe(6n)
  })

  test('falling off the end of a non-void function is an error at its closing brace', () => {
    const it = load('int f(int x)\n{\n\tif (x)\n\t\treturn 1;\n}')
    expect(it.call('f', [1n])).toBe(1n)
    expect(runError(it, 'f', [0n])).toMatchObject({ code: 'runtime', message: "control reached the end of non-void function 'f' without a return", line: 5, column: 1 })
  })
})

describe('goto', () => {
  test('kernel-style goto out', () => {
    const src = [
      'int f(int fail)',
      '{',
      '\tint ret = 0;',
      '',
      '\tif (fail) {',
      '\t\tret = -16;',
      '\t\tgoto out;',
      '\t}',
      '\tret = 5;',
      'out:',
      '\treturn ret * 2;',
      '}',
    ].join('\n')
    const it = load(src)
    expect(it.call('f', [0n])).toBe(10n)
    expect(it.call('f', [1n])).toBe(-32n)
  })

  test('out of nested loops, and backwards', () => {
    expect(run('int f(void) { int n = 0; for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) { n++; if (i == 2 && j == 3) goto done; } done: return n; }')).toBe(14n)
    expect(run('int f(void) { int r = 0; again: r++; if (r < 5) goto again; return r; }')).toBe(5n)
  })

  test('to a label in an enclosing block', () => {
    expect(run('int f(void) { int r = 0; { while (1) { r++; if (r == 3) goto mid; } mid: r += 10; } return r; }')).toBe(13n)
  })
})

describe('switch', () => {
  const src = [
    'int f(int x)',
    '{',
    '\tint r = 0;',
    '',
    '\tswitch (x) {',
    '\tcase 1:',
    '\t\tr = 10;',
    '\t\tbreak;',
    '\tcase 2:',
    '\tcase 3:',
    '\t\tr = 20;',
    '\tcase 4:',
    '\t\tr += 1;',
    '\t\tbreak;',
    '\tdefault:',
    '\t\tr = -1;',
    '\t}',
    '\treturn r;',
    '}',
  ].join('\n')

  test.each([
    [1n, 10n],
    [2n, 21n],
    [3n, 21n],
    [4n, 1n],
    [5n, -1n],
    [-7n, -1n],
  ])('switch (%s)', (x, expected) => {
    expect(load(src).call('f', [x])).toBe(expected)
  })

  test('no default and no match runs nothing', () => {
    expect(run('int f(int x) { switch (x) { case 1: x = 5; } return x; }', 'f', [9n])).toBe(9n)
  })

  test('case labels are constant expressions, converted to the controlling type', () => {
    expect(run('#define TWO 2\nint f(unsigned char c) { switch (c) { case TWO * 2: return 1; case 0x1ff: return 2; } return 0; }', 'f', [4n])).toBe(1n)
    expect(run('int f(unsigned int c) { switch (c) { case -1: return 1; } return 0; }', 'f', [0xffffffffn])).toBe(1n)
  })

  test('continue inside a switch continues the loop', () => {
    expect(run('int f(void) { int n = 0; for (int i = 0; i < 5; i++) { switch (i) { case 2: continue; default: n++; } n += 10; } return n; }')).toBe(44n)
  })

  test('return from inside a switch', () => {
    expect(run('int f(int x) { switch (x) { default: return -1; case 1: return 10; } }', 'f', [1n])).toBe(10n)
  })
})

describe('declarations and scope', () => {
  test('several declarators, block scoping and shadowing', () => {
    expect(run('int f(void) { int a = 1, b = a + 1, c; c = 3; { int a = 10; b += a; } return a * 100 + b * 10 + c; }')).toBe(223n)
  })

  test('a loop body declaration starts uninitialised every time', () => {
    const it = load('int f(void) { int s = 0; for (int i = 0; i < 2; i++) { int x; if (i == 0) x = 5; s += x; } return s; }')
    expect(runError(it)).toMatchObject({ message: "'x' is used uninitialised" })
  })

  test('extern inside a function refers to the global', () => {
    const src = [
      'bool page_alloc_available;',
      'int f(void)',
      '{',
      '\tint page_alloc_available = 7;',
      '\t{',
      '\t\textern bool page_alloc_available;',
      '\t\tif (!page_alloc_available)',
      '\t\t\treturn -16;',
      '\t}',
      '\treturn page_alloc_available;',
      '}',
    ].join('\n')
    const it = load(src)
    expect(it.call('f', [])).toBe(-16n)
    it.setGlobal('page_alloc_available', 1n)
    expect(it.call('f', [])).toBe(7n)
  })

  test('file order does not matter: a function may call one defined later', () => {
    expect(run('int f(void) { return g() + later; }\nint g(void) { return 2; }\nint later = 40;')).toBe(42n)
  })
})
