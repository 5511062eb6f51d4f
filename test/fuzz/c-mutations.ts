/*
 * Random edits of C text, the way a learner's typing (or a careless copy)
 * damages a policy: tokens and whole lines deleted, inserted, duplicated or
 * swapped. Inserted material comes from the corpus itself and from a list of
 * hostile fragments (host globals, prototype names, endless loops, huge values).
 */
import fc from 'fast-check'

const TOKEN = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|[A-Za-z_]\w*|->|\+\+|--|<<=|>>=|<<|>>|&&|\|\||[<>!=+\-*/%&|^]=|[^\s]/g

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? []
}

/** Fragments no bundled policy contains, aimed at the sandbox and the budgets. */
export const HOSTILE_FRAGMENTS = [
  'globalThis', 'process', 'require', 'eval', 'constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf',
  'walk->__proto__', 'walk->constructor', 'walk->action', 'int constructor(void) { return 0; }', 'unsigned long __proto__;',
  'while (1)', 'for (;;)', 'goto out;', 'out:', 'return', 'static', '__init',
  '0xffffffffffffffffUL', '-1', '(1UL << 63)', '0x7fffffff', 'PAGE_OFFSET', 'PUD_SIZE * 1024',
  'BIT(63)', 'BIT(64)', 'memblock_phys_alloc(PUD_SIZE, PAGE_SIZE)', 'pagetable_alloc(GFP_PGTABLE_KERNEL)',
  'set_memory_decrypted(PAGE_OFFSET, -1)', '__change_memory_common(PAGE_OFFSET, -1, 0, 0)', 'linear_map_split_to_ptes()',
  'WARN_ON(1)', 'pr_info("%999999999d\\n", 1)', 'start_kernel()', 'map_memblock_ranges(0)',
  '(', ')', '{', '}', ';', ',', '*', '&', '"', "'", '/*', '*/', '#define', '#include <linux/mm.h>', '\\',
]

export type Edit =
  | { kind: 'delete-tokens'; at: number; count: number }
  | { kind: 'insert-token'; at: number; pick: number; hostile: boolean }
  | { kind: 'duplicate-tokens'; at: number; count: number }
  | { kind: 'swap-tokens'; at: number; with: number }
  | { kind: 'delete-line'; at: number }
  | { kind: 'insert-line'; at: number; pick: number }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'swap-lines'; at: number; with: number }

const index = fc.nat()

export const editArbitrary: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete-tokens' as const), at: index, count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('insert-token' as const), at: index, pick: index, hostile: fc.boolean() }),
  fc.record({ kind: fc.constant('duplicate-tokens' as const), at: index, count: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('swap-tokens' as const), at: index, with: index }),
  fc.record({ kind: fc.constant('delete-line' as const), at: index }),
  fc.record({ kind: fc.constant('insert-line' as const), at: index, pick: index }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: index }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: index, with: index }),
)

/** Material for insertions: every token and line of the corpus. */
export interface EditPool {
  tokens: string[]
  lines: string[]
}

export function editPool(texts: string[]): EditPool {
  const tokens = new Set<string>()
  const lines = new Set<string>()
  for (const t of texts) {
    for (const token of tokenize(t)) if (token.trim()) tokens.add(token)
    for (const line of t.split('\n')) if (line.trim()) lines.add(line)
  }
  return { tokens: [...tokens].sort(), lines: [...lines].sort() }
}

function swap<T>(items: T[], a: number, b: number): void {
  ;[items[a], items[b]] = [items[b], items[a]]
}

/** Apply one edit; positions wrap around the text's current length, so every edit applies. */
function applyEdit(text: string, e: Edit, pool: EditPool): string {
  const lines = text.split('\n')
  const line = e.at % lines.length
  const tokens = tokenize(text)
  const token = e.at % (tokens.length + 1)
  switch (e.kind) {
    case 'delete-line':
      lines.splice(line, 1)
      return lines.join('\n')
    case 'insert-line':
      lines.splice(line, 0, pool.lines[e.pick % pool.lines.length])
      return lines.join('\n')
    case 'duplicate-line':
      lines.splice(line, 0, lines[line])
      return lines.join('\n')
    case 'swap-lines':
      swap(lines, line, e.with % lines.length)
      return lines.join('\n')
    case 'delete-tokens':
      tokens.splice(token, e.count)
      return tokens.join('')
    case 'insert-token': {
      const from = e.hostile ? HOSTILE_FRAGMENTS : pool.tokens
      tokens.splice(token, 0, ' ', from[e.pick % from.length], ' ')
      return tokens.join('')
    }
    case 'duplicate-tokens':
      tokens.splice(token, 0, ...tokens.slice(token, token + e.count))
      return tokens.join('')
    case 'swap-tokens':
      if (tokens.length) swap(tokens, token % tokens.length, e.with % tokens.length)
      return tokens.join('')
  }
}

export function applyEdits(text: string, edits: readonly Edit[], pool: EditPool): string {
  return edits.reduce((t, e) => applyEdit(t, e, pool), text)
}
