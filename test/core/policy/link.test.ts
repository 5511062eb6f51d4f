import { describe, expect, test } from 'vitest'
import { Interpreter, linkPolicy } from '../../../src/core/policy'
import { brief, compile, natives } from './harness'

const table = natives({ swiotlb_update_mem_attributes: [0, () => 0n], WARN_ON: [1, (_c, [x]) => x] }, { EBUSY: 16n })

const BASE = [
  'bool linear_map_requires_bbml2;',
  '#define SPLIT_OK 0',
  'int split_kernel_leaf_mapping(unsigned long start, unsigned long end)',
  '{',
  '\treturn can_split() ? SPLIT_OK : -EBUSY;',
  '}',
  'bool can_split(void) { return linear_map_requires_bbml2; }',
  'void __init mem_init(void) { swiotlb_update_mem_attributes(); }',
  'int base_only(void) { return 7; }',
].join('\n')
const base = compile(BASE, table, undefined, 'unpatched.c').program!

describe('linkPolicy', () => {
  test('overlay functions and globals win by name; the rest comes from the base', () => {
    const overlay = compile(
      'bool page_alloc_available __ro_after_init;\nbool can_split(void) { return page_alloc_available; }\nvoid __init mem_init(void) { page_alloc_available = true; }',
      table,
      base,
    ).program!
    const linked = linkPolicy(base, overlay)
    expect(linked.functions.map((f) => `${f.name}@${f.file}`)).toEqual([
      'split_kernel_leaf_mapping@unpatched.c',
      'can_split@policy.c',
      'mem_init@policy.c',
      'base_only@unpatched.c',
    ])
    expect(linked.globals.map((g) => `${g.name}@${g.file}`)).toEqual(['linear_map_requires_bbml2@unpatched.c', 'page_alloc_available@policy.c'])
    const it = new Interpreter(linked, table)
    expect(it.call('split_kernel_leaf_mapping', [0n, 4096n])).toBe(-16n)
    it.call('mem_init', [])
    // The base's split_kernel_leaf_mapping now calls the overlay's can_split.
    expect(it.call('split_kernel_leaf_mapping', [0n, 4096n])).toBe(0n)
    expect(it.functionInfo('mem_init')).toEqual({ annotations: ['__init'], line: 3, file: 'policy.c' })
    expect(it.functionInfo('base_only')).toEqual({ annotations: [], line: 9, file: 'unpatched.c' })
  })

  test('a name replaces base items of any kind', () => {
    const overlay = compile('int base_only = 3;', table, base).program!
    const linked = linkPolicy(base, overlay)
    expect(linked.functions.map((f) => f.name)).not.toContain('base_only')
    expect(new Interpreter(linked, table).getGlobal('base_only')).toBe(3n)
  })

  test('linking is deterministic and leaves its inputs alone', () => {
    const overlay = compile('int base_only(void) { return 8; }', table, base).program!
    const before = JSON.stringify(base, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))
    expect(JSON.stringify(linkPolicy(base, overlay), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(
      JSON.stringify(linkPolicy(base, overlay), (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
    )
    expect(JSON.stringify(base, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(before)
  })
})

describe('compiling against the base', () => {
  test('names defined in the base, the overlay or the natives are known', () => {
    const c = compile('int f(void)\n{\n\textern bool linear_map_requires_bbml2;\n\treturn base_only() + SPLIT_OK + linear_map_requires_bbml2 + EBUSY;\n}', table, base)
    expect(c.diagnostics).toEqual([])
    expect(c.program?.functions.map((f) => f.name)).toEqual(['f'])
  })

  test('without the base they are unknown', () => {
    expect(brief(compile('int f(void) { return base_only(); }', table).diagnostics)).toEqual([
      "1:22 unknown-function unknown function 'base_only' (not defined in the policy, the base kernel or the natives)",
    ])
  })

  test('argument counts are checked against the linked definition', () => {
    expect(brief(compile('int f(void) { return base_only(1); }', table, base).diagnostics)).toEqual(["1:22 arity too many arguments to function 'base_only' (it takes 0, given 1)"])
    // The overlay's own definition is the one calls are checked against.
    expect(brief(compile('int base_only(int x) { return x; }\nint f(void) { return base_only(1); }', table, base).diagnostics)).toEqual([
      "1:5 arity 'base_only' takes 0 parameters in the base kernel, which calls it that way; this definition has 1",
    ])
  })

  test('a redefinition must keep the base signature', () => {
    expect(brief(compile('int mem_init(void) { return 0; }', table, base).diagnostics)).toEqual([
      "1:5 invalid 'mem_init' returns void in the base kernel; this definition returns int",
    ])
  })

  test('errors are reported only for the file being compiled', () => {
    const c = compile('int f(void) { return 1; }', table, base)
    expect(c.diagnostics.every((d) => d.file === 'policy.c')).toBe(true)
    expect(c.diagnostics).toEqual([])
  })
})
