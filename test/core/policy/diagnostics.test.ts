import { describe, expect, test } from 'vitest'
import { brief, compile, natives } from './harness'

const diags = (src: string, table = natives()) => brief(compile(src, table).diagnostics)

describe('unsupported constructs are diagnostics at their position, never crashes', () => {
  test.each([
    ['struct foo { int a; };\nint f(void) { return 0; }', '1:1 unsupported struct definitions are not supported'],
    ['union u { int a; };', '1:1 unsupported unions are not supported'],
    ['typedef int myint;', '1:1 unsupported typedef is not supported'],
    ['int f(void) {\n\tint a[3];\n\treturn 0;\n}', '2:6 unsupported arrays are not supported'],
    ['int f(int *p) {\n\treturn p[1];\n}', '2:9 unsupported arrays are not supported'],
    ['double d;', '1:1 unsupported floating point is not supported'],
    ['int f(void) {\n\treturn 1.5;\n}', '2:9 unsupported floating point is not supported'],
    ['int f(int n) {\n\tint (*fp)(int) = 0;\n\treturn n;\n}', '2:6 unsupported function pointers are not supported'],
    ['int f(void) {\n\treturn f;\n}', "2:9 unsupported function 'f' used as a value: function pointers are not supported"],
    ['int f(int *p) {\n\treturn *p;\n}', '2:9 unsupported dereferencing a pointer is not supported: use the kernel accessor (pmdp_get, READ_ONCE...)'],
    ['int f(int n) {\n\tasm("nop");\n\treturn n;\n}', '2:2 unsupported inline assembly is not supported'],
    ['int f(int n) {\n\treturn ({ n; });\n}', '2:10 unsupported statement expressions are not supported'],
    ['int f(int n) {\n\tstatic int count;\n\treturn n;\n}', '2:2 unsupported static local variables are not supported'],
    ['int f(int n) {\n\tstruct page p;\n\treturn n;\n}', '2:14 unsupported struct page values are not supported (use a pointer)'],
    ['int f(int n) {\n\treturn n.x;\n}', "2:9 unsupported struct member access with '.' is not supported (only handle->field)"],
    ['int f(int n) {\n\treturn n ?: 1;\n}', "2:9 unsupported the GNU 'a ?: b' operator is not supported"],
    ['int f(int n) {\n\treturn &n == 0;\n}', '2:9 unsupported taking the address of a local variable is not supported'],
    ['int f(int n, ...) {\n\treturn n;\n}', '1:14 unsupported variadic functions are not supported'],
    ['foo_t g(void) {\n\treturn 0;\n}', "1:1 unsupported unknown type 'foo_t'"],
    ["int f(void) {\n\treturn 'ab';\n}", '2:9 unsupported only plain one-byte character constants are supported'],
    ['int f(int n) {\n\treturn (u64);\n}', "2:9 unsupported type name 'u64' used as a value"],
    ['int f(int n) {\n\tint x;\n\t{ inner: x = 1; }\n\tgoto inner;\n}', "4:7 unsupported 'goto inner' jumps into a nested block, which is not supported"],
  ])('%s', (src, expected) => {
    const c = compile(src)
    expect(c.program).toBeNull()
    expect(brief(c.diagnostics)).toEqual([expected])
  })
})

describe('semantic errors found at compile time', () => {
  const table = natives({ pr_info: [{ min: 1 }, () => 0n], WARN_ON: [1, (_c, [x]) => x] }, { PMD_SIZE: 0x200000n })

  test('unknown function', () => {
    expect(diags('int f(void)\n{\n\treturn split_it(1);\n}', table)).toEqual(["3:9 unknown-function unknown function 'split_it' (not defined in the policy, the base kernel or the natives)"])
  })

  test('wrong argument count, against policy definitions and native arities', () => {
    expect(diags('int g(int a) { return a; }\nint f(void)\n{\n\treturn g(1, 2);\n}', table)).toEqual(["4:9 arity too many arguments to function 'g' (it takes 1, given 2)"])
    expect(diags('int g(int a) { return a; }\nint f(void) { return g(); }', table)).toEqual(["2:22 arity too few arguments to function 'g' (it takes 1, given 0)"])
    expect(diags('int f(void)\n{\n\treturn WARN_ON(1, 2);\n}', table)).toEqual(["3:9 arity too many arguments to function 'WARN_ON' (it takes 1, given 2)"])
    expect(diags('int f(void)\n{\n\tpr_info();\n\treturn 0;\n}', table)).toEqual(["3:2 arity too few arguments to function 'pr_info' (it takes at least 1, given 0)"])
    expect(diags('int f(void) { pr_info("%d %d\\n", 1, 2); return 0; }', table)).toEqual([])
  })

  test('unknown identifier', () => {
    expect(diags('int f(void)\n{\n\tint x = 1;\n\treturn x + y;\n}', table)).toEqual(["4:13 unknown-identifier 'y' undeclared (not a local, a global, a #define or a kernel constant)"])
    expect(diags('int f(void) { int x = 1; { int y = 2; } return y; }', table)).toEqual(["1:48 unknown-identifier 'y' undeclared (not a local, a global, a #define or a kernel constant)"])
  })

  test('redefinitions in one file', () => {
    expect(diags('int f(void) { return 1; }\n\nint f(void) { return 2; }')).toEqual(["3:5 redefinition redefinition of function 'f'"])
    expect(diags('int x;\nint x = 3;')).toEqual(["2:5 redefinition redefinition of variable 'x'"])
    expect(diags('int x;\nint x(void) { return 0; }')).toEqual(["2:5 redefinition 'x' redeclared as a different kind of symbol (it is already a variable)"])
    expect(diags('int f(int a)\n{\n\tint a = 2;\n\treturn a;\n}')).toEqual(["3:6 redefinition redefinition of 'a'"])
    expect(diags('int f(void) { a: b: a: return 0; }')).toEqual(["1:21 redefinition duplicate label 'a'"])
    expect(diags('int f(int x) { switch (x) { case 1: case 1: return 0; } return 1; }')).toEqual(['1:42 redefinition duplicate case value 1'])
  })

  test('assigning a constant', () => {
    expect(diags('int f(void)\n{\n\tPMD_SIZE = 3;\n\treturn 0;\n}', table)).toEqual(["3:2 invalid cannot assign to constant 'PMD_SIZE'"])
    expect(diags('int f(void) { PMD_SIZE++; return 0; }', table)).toEqual(["1:15 invalid cannot assign to constant 'PMD_SIZE'"])
    expect(diags('#define A 3\nint f(void) { A = 3; return A; }')).toEqual(["2:15 invalid cannot assign to constant 'A'"])
    expect(diags('int f(void) { const int x = 1; x = 2; return x; }')).toEqual(["1:32 invalid assignment of read-only variable 'x'"])
    expect(diags('const int k = 1;\nint f(void) { k += 1; return k; }')).toEqual(["2:15 invalid assignment of read-only variable 'k'"])
  })

  test('things a C compiler rejects', () => {
    expect(diags('void g(void) {}\nint f(void) { return g(); }')).toEqual(["2:22 invalid void value not ignored as it ought to be ('g' returns void)"])
    expect(diags('void f(void) { return 1; }\nint g(void) { return; }')).toEqual([
      "1:16 invalid 'return' with a value in a function returning void",
      "2:15 invalid 'return' with no value in a function returning non-void",
    ])
    expect(diags('int f(void) { break; }\nint g(void) { while (1) { switch (1) { default: continue; } } }')).toEqual(["1:15 invalid 'break' is not inside a loop or switch"])
    expect(diags('int g(void) { switch (1) { default: continue; } return 0; }')).toEqual(["1:37 invalid 'continue' is not inside a loop"])
    expect(diags('int f(void) { goto nowhere; }')).toEqual(["1:20 unknown-identifier label 'nowhere' used but not defined"])
    expect(diags('int f(void) { x = 1; return 0; }')).toEqual(["1:15 unknown-identifier 'x' undeclared (not a local, a global, a #define or a kernel constant)"])
    expect(diags('int f(int *p) { return p * 2; }')).toEqual(["1:24 invalid invalid operands to binary * (have 'int *' and 'int')"])
    expect(diags('int f(struct mm_walk *w) { return w + 1 != 0; }')).toEqual(["1:35 invalid arithmetic on a pointer to incomplete type 'struct mm_walk'"])
    expect(diags('int f(int x) { (x + 1) = 4; return x; }')).toEqual(['1:16 invalid lvalue required as left operand of assignment'])
    expect(diags('int f(int x) { -x = 4; return x; }')).toEqual(['1:16 invalid lvalue required as left operand of assignment'])
    expect(diags('int f(int x) { x++++; return x; }')).toEqual(['1:16 invalid lvalue required as increment/decrement operand'])
    expect(diags('int f(void) { return 0xffffffffffffffffffff; }')).toEqual(['1:22 invalid integer constant is too large for its type'])
    expect(diags('void f(int x);\nint g(void) { int y; y = sizeof(void); return y; }')).toEqual([])
  })

  test('globals need constant initializers; #defines must not loop', () => {
    expect(diags('int y = 3;\nint x = y + 1;')).toEqual(["2:9 invalid initializer element is not constant ('y' is a variable)"])
    expect(diags('int x = f();\nint f(void) { return 1; }')).toEqual(['1:9 invalid initializer element is not constant (a function call)'])
    expect(diags('int x = 1 << 40;')).toEqual(['1:9 invalid shift count 40 is out of range for a 32-bit value'])
    expect(diags('#define A B\n#define B A\nint f(void) { return A; }')).toEqual(["2:11 invalid #define 'A' refers to itself"])
  })

  test('extern must name a global defined somewhere', () => {
    expect(diags('extern int ghost;\nint f(void) { return 0; }')).toEqual(["1:12 unknown-identifier 'ghost' is declared extern but no global of that name is defined"])
    expect(diags('int f(void)\n{\n\textern bool nope;\n\treturn 0;\n}')).toEqual(["3:14 unknown-identifier 'nope' is declared extern but no global of that name is defined"])
  })

  test('kernel objects only under &', () => {
    const t = natives({ mutex_lock: [1, () => {}] }, {}, ['pgtable_split_lock'])
    expect(diags('int f(void) { mutex_lock(&pgtable_split_lock); return 0; }', t)).toEqual([])
    expect(diags('int f(void) { return pgtable_split_lock; }', t)).toEqual(["1:22 invalid 'pgtable_split_lock' is a kernel object: use '&pgtable_split_lock'"])
    expect(diags('int f(void) { mutex_lock(&no_such_lock); return 0; }', t)).toEqual(["1:26 unknown-identifier 'no_such_lock' undeclared (not a global or a kernel object)"])
  })

  test('a #define or case label using a native constant is checked, not evaluated, at compile time', () => {
    // Native constants depend on the machine booted; at compile time they are placeholders.
    const t = natives({}, { PMD_SIZE: 0n, PUD_SIZE: 0n })
    expect(diags('int f(unsigned long s) { switch (s) { case PMD_SIZE: return 1; case PUD_SIZE: return 2; } return 0; }', t)).toEqual([])
    expect(diags('#define PER (PUD_SIZE / PMD_SIZE)\nint f(void) { return PER; }', t)).toEqual([])
  })
})
