import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseSyntax } from '../../../src/core/policy/syntax'
import type { SyntaxNode } from '../../../src/core/policy/tree'
import { brief, compile, load, natives, parser, run } from './harness'

describe('syntax errors: one diagnostic per ERROR and MISSING node, located', () => {
  test('a missing semicolon points after the statement', () => {
    const c = compile('int f(void)\n{\n\tint x = 1\n\treturn x;\n}')
    expect(c.program).toBeNull()
    expect(c.diagnostics).toEqual([
      { severity: 'error', code: 'syntax', message: "syntax error: expected ';' before 'return'", file: 'policy.c', line: 3, column: 11, endLine: 3, endColumn: 12 },
    ])
  })

  test('an unexpected token is named, with its range', () => {
    const c = compile('int f(void) { return 1; }\nint g(void) { return @; }')
    expect(c.diagnostics).toEqual([
      { severity: 'error', code: 'syntax', message: "syntax error: unexpected '@'", file: 'policy.c', line: 2, column: 22, endLine: 2, endColumn: 23 },
    ])
  })

  test('several errors give several diagnostics, in order', () => {
    expect(brief(compile('int f(void) { return 1 +; }\nint g(void) { int y = 2 return y; }').diagnostics)).toEqual([
      "1:25 syntax syntax error: expected expression before ';'",
      "2:24 syntax syntax error: expected ';' before 'return'",
    ])
    expect(brief(compile('int f(void) { return 1; }}\nint g(void) { return @; }').diagnostics)).toEqual([
      "1:26 syntax syntax error: unexpected '}'",
      "2:22 syntax syntax error: unexpected '@'",
    ])
  })

  test('an unclosed function', () => {
    expect(brief(compile('int f(void)\n{\n\treturn 1;\n').diagnostics)).toEqual([
      "2:1 syntax unbalanced braces: this '{' is never closed (expected '}')",
      "3:11 syntax syntax error: expected '}' at end of input",
    ])
  })

  test('columns count UTF-16 units, as the editor does', () => {
    expect(brief(compile('/* é😀 */ int f(void) { return q; }').diagnostics)).toEqual([
      "1:32 unknown-identifier 'q' undeclared (not a local, a global, a #define or a kernel constant)",
    ])
  })

  test('a function with a syntax error hides its other problems until it parses', () => {
    expect(brief(compile('int f(void) { return nope(; }').diagnostics)).toEqual(["1:27 syntax syntax error: expected ')' before ';'"])
  })

  test('statements outside functions', () => {
    expect(brief(compile('x = 3;\nint f(void) { return 0; }').diagnostics)).toEqual(['1:1 syntax syntax error: statements must be inside a function'])
  })
})

describe('the common C slips, worded as gcc words them', () => {
  const lab5 = [
    'void __init arch_mm_preinit(void)',
    '{',
    '\tswiotlb_init(true, SWIOTLB_VERBOSE)',
    '\tswiotlb_update_mem_attributes();',
    '}',
  ].join('\n')

  test("a missing ';' before a call names the call, at the end of the statement before it", () => {
    expect(compile(lab5, natives({ swiotlb_init: [2, () => 0n], swiotlb_update_mem_attributes: [0, () => 0n] }, { SWIOTLB_VERBOSE: 1n }), undefined, 'lab5.c').diagnostics).toEqual([
      {
        severity: 'error',
        code: 'syntax',
        message: "syntax error: expected ';' before 'swiotlb_update_mem_attributes'",
        file: 'lab5.c',
        line: 3,
        column: '\tswiotlb_init(true, SWIOTLB_VERBOSE)'.length + 1,
        endLine: 3,
        endColumn: '\tswiotlb_init(true, SWIOTLB_VERBOSE)'.length + 2,
      },
    ])
  })

  test("an unclosed '{' is pointed at where indentation says it was left open", () => {
    const src = 'int f(int x)\n{\n\tif (x) {\n\t\tx = 2;\n\treturn x;\n}\n\nint g(void)\n{\n\treturn 1;\n}\n'
    expect(brief(compile(src).diagnostics)).toContainEqual("3:9 syntax unbalanced braces: this '{' is never closed (expected '}')")
  })

  test("'=' in a condition is a warning (the policy still compiles); doubled parentheses say it is meant", () => {
    const c = compile('int f(int x)\n{\n\tif (x = 1)\n\t\treturn 1;\n\twhile ((x = x - 1))\n\t\t;\n\treturn 0;\n}')
    expect(c.program).not.toBeNull()
    expect(c.diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', line: 3, column: 6, message: "suggest parentheses around assignment used as truth value: did you mean '=='? (write ((a = b)) if the assignment is meant)" }),
    ])
  })

  test('a misspelt function gets the closest native as a suggestion', () => {
    expect(brief(compile('int f(void)\n{\n\treturn pagetable_aloc(0);\n}', natives({ pagetable_alloc: [1, () => 0n], pagetable_free: [1, () => 0n] })).diagnostics)).toEqual([
      "3:9 unknown-function unknown function 'pagetable_aloc' (not defined in the policy, the base kernel or the natives); did you mean 'pagetable_alloc'?",
    ])
  })
})

describe('kernel annotations', () => {
  const src = [
    'bool page_alloc_available __ro_after_init;',
    'static bool linear_map_requires_bbml2 __initdata = true;',
    'int hits __read_mostly;',
    'const int answer = 42;',
    'void __init mem_init(void)',
    '{',
    '\tpage_alloc_available = true;',
    '}',
    'static inline int __init helper(void) { return 1; }',
    'int plain(void) { return 0; }',
  ].join('\n')

  test('are recorded on globals and functions, sorted', () => {
    const it = load(src)
    expect(it.globalInfo('page_alloc_available')).toEqual({ type: 'bool', annotations: ['__ro_after_init'] })
    expect(it.globalInfo('linear_map_requires_bbml2')).toEqual({ type: 'bool', annotations: ['__initdata', 'static'] })
    expect(it.globalInfo('hits')).toEqual({ type: 'int', annotations: ['__read_mostly'] })
    expect(it.globalInfo('answer')).toEqual({ type: 'int', annotations: ['const'] })
    expect(it.functionInfo('mem_init')).toEqual({ annotations: ['__init'], line: 5, file: 'policy.c' })
    expect(it.functionInfo('helper')).toEqual({ annotations: ['__init', 'inline', 'static'], line: 9, file: 'policy.c' })
    expect(it.functionInfo('plain')).toEqual({ annotations: [], line: 10, file: 'policy.c' })
    expect(it.globalInfo('mem_init')).toBeUndefined()
    expect(it.functionInfo('nope')).toBeUndefined()
  })

  test('do not disturb parsing or values', () => {
    const it = load(src)
    expect(it.getGlobal('linear_map_requires_bbml2')).toBe(1n)
    expect(it.call('mem_init', [])).toBe(0n)
    expect(it.getGlobal('page_alloc_available')).toBe(1n)
  })

  test('annotation names in comments and strings are left alone', () => {
    expect(run('/* __init */ int f(void) { const char *s = "__init"; return s == s; }')).toBe(1n)
  })

  test('inside a function body they are unsupported', () => {
    expect(brief(compile('void g(void) { int x __initdata = 1; }').diagnostics)).toEqual(['1:22 unsupported __initdata inside a function body is not supported'])
  })
})

describe('preprocessor', () => {
  test('#include is ignored, constant #defines are values with C types', () => {
    const src = '#include <linux/mm.h>\n#include "internal.h"\n#define FOO 3\n#define BAR (1UL << 3)\n#define BAZ (BAR * 2 - FOO)\nunsigned long f(void) { return BAZ + FOO; }'
    expect(run(src)).toBe(16n)
    expect(run('#define NEG (-1)\nint f(void) { return NEG < 0U; }')).toBe(0n)
  })

  test('a #define may continue on the next line', () => {
    expect(run('#define X (1 << \\\n  3)\nint f(void) { return X; }')).toBe(8n)
  })

  test('a string #define', () => {
    expect(run('#define MSG "hi\\n"\nint f(void) { const char *m = MSG; return m == MSG; }')).toBe(1n)
  })

  test('errors inside a #define value are located in the #define', () => {
    expect(brief(compile('#define X (1 +)\nint f(void) { return X; }').diagnostics)).toEqual(["1:15 syntax syntax error: expected expression before ')'"])
  })

  test('function-like macros, empty defines and conditionals are unsupported', () => {
    expect(brief(compile('#define F(x) ((x) + 1)\n#define EMPTY\n#ifdef CONFIG_X\nint f(void) { return 0; }\n#endif\n#undef X').diagnostics)).toEqual([
      '1:1 unsupported function-like macros are not supported',
      '2:1 unsupported #define EMPTY without a value is not supported',
      '3:1 unsupported conditional compilation (#ifdef) is not supported',
      '6:1 unsupported this preprocessor directive is not supported',
    ])
  })

  test('enum constants are ints counting up', () => {
    expect(run('enum { A, B = 5, C };\nint f(void) { return A * 100 + B * 10 + C; }')).toBe(56n)
  })
})

describe("the plain tree keeps tree-sitter's own positions and texts", () => {
  // The copy computes positions from the text's line starts instead of asking the cursor for
  // each node: every node must still carry the Point, index and text tree-sitter gives it,
  // with CRLF and lone CR line ends, tabs, errors and characters outside the BMP (two UTF-16 units).
  const sources = [
    'int a; /* é€😀 */\r\nint b = "ü😀";\n\tint c;\n',
    'int f(void)\r{\n\treturn \'x\';\t// 😀 ü\n}\n',
    'unsigned long x = 0x1234;\n\n\n   int g(int a) { if (a) return @; return a }',
  ]
  const line = (type: string, s: { row: number; column: number }, e: { row: number; column: number }, start: number, end: number, text: string | null) =>
    `${type} ${s.row + 1}:${s.column + 1}-${e.row + 1}:${e.column + 1} [${start},${end})${text === null ? '' : ` ${JSON.stringify(text)}`}`

  /** Every node but comments, in document order, as tree-sitter's cursor reports it. */
  function treeSitterNodes(source: string): string[] {
    const tree = parser.parse(source)!
    const cursor = tree.walk()
    const out: string[] = []
    const visit = () => {
      if (cursor.nodeType === 'comment') return
      const leaf = cursor.currentNode.childCount === 0
      out.push(line(cursor.nodeType, cursor.startPosition, cursor.endPosition, cursor.startIndex, cursor.endIndex, leaf ? cursor.nodeText : null))
      if (cursor.gotoFirstChild()) {
        do visit()
        while (cursor.gotoNextSibling())
        cursor.gotoParent()
      }
    }
    visit()
    cursor.delete()
    tree.delete()
    return out
  }

  function copiedNodes(source: string): string[] {
    const out: string[] = []
    const visit = (n: SyntaxNode) => {
      const leaf = n.children.length === 0
      out.push(line(n.type, { row: n.span.line - 1, column: n.span.column - 1 }, { row: n.span.endLine - 1, column: n.span.endColumn - 1 }, n.start, n.end, leaf ? n.text : null))
      n.children.forEach(visit)
    }
    visit(parseSyntax(parser, source, 'policy.c').root)
    return out
  }

  for (const source of sources) {
    test(JSON.stringify(source.slice(0, 30)), () => {
      const expected = treeSitterNodes(source)
      expect(expected.length).toBeGreaterThan(8)
      expect(copiedNodes(source)).toEqual(expected)
    })
  }
})

describe('incremental parsing gives the fresh parse, whatever was parsed before', () => {
  // parseSyntax() reuses the parser's last file (tree-sitter's incremental parse), and parses
  // afresh when that tree has an error. Each edited text is compared with a parse by a new parser.
  const kernel = readFileSync(join(import.meta.dirname, '../../../resources/policies/unpatched.c'), 'utf8')
  const fragments = ['x', ';', '{', '}', '\n', '/* c */', 'int y = 1;', '(', 'return 0;', '\t', 'é', '"', '#define Z 3\n', '😀']

  function freshParse(source: string) {
    const p = new (parser.constructor as new () => typeof parser)()
    p.setLanguage(parser.language)
    try {
      return parseSyntax(p, source, 'policy.c')
    } finally {
      p.delete()
    }
  }

  test('120 random edits of the base kernel (inserts, deletes, errors made and fixed)', () => {
    let seed = 20261207
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    let text = kernel
    let withErrors = 0
    for (let i = 0; i < 120; i++) {
      const at = random(text.length + 1)
      text = random(3) === 0 ? text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + random(12))) : text.slice(0, at) + fragments[random(fragments.length)] + text.slice(at)
      if (i % 10 === 9) text = kernel // back to a clean file now and then
      const incremental = parseSyntax(parser, text, 'policy.c')
      const fresh = freshParse(text)
      if (fresh.diagnostics.some((d) => d.severity === 'error')) withErrors++
      expect(incremental).toEqual(fresh)
    }
    // The walk met both kinds of text.
    expect(withErrors).toBeGreaterThan(10)
    expect(withErrors).toBeLessThan(120)
  })

  test('typing a comment at the end, one key at a time, then taking it back', () => {
    let text = kernel
    for (const c of '\n// timing xyz') {
      text += c
      expect(parseSyntax(parser, text, 'policy.c')).toEqual(freshParse(text))
    }
    for (let i = 0; i < 5; i++) {
      text = text.slice(0, -1)
      expect(parseSyntax(parser, text, 'policy.c')).toEqual(freshParse(text))
    }
  })
})
