/*
 * Random, well-formed policies that override a few of the base kernel's
 * functions with bodies of random statements calling random natives with
 * extreme arguments: what reaches the natives when the parser is no obstacle.
 */
import fc from 'fast-check'
import { NATIVE_ROWS } from '../../src/core/boot/natives'

/** Policy-visible functions a random policy may override, with their parameters by kind. */
const HOSTS = [
  { head: 'void __init mem_init(void)', ints: [], handles: [], returns: false },
  { head: 'void __init arch_mm_preinit(void)', ints: [], handles: [], returns: false },
  { head: 'void __init map_mem(void)', ints: [], handles: [], returns: false },
  { head: 'void __init linear_map_maybe_split_to_ptes(void)', ints: [], handles: [], returns: false },
  { head: 'void __init arm64_rsi_init(void)', ints: [], handles: [], returns: false },
  { head: 'bool force_pte_mapping(void)', ints: [], handles: [], returns: true },
  { head: 'phys_addr_t split_pgtable_alloc(void)', ints: [], handles: [], returns: true },
  { head: 'int split_kernel_leaf_mapping(unsigned long start, unsigned long end)', ints: ['start', 'end'], handles: [], returns: true },
  { head: 'static int __set_memory_enc_dec(unsigned long addr, int numpages, bool encrypt)', ints: ['addr', 'numpages', 'encrypt'], handles: [], returns: true },
  {
    head: 'static int pageattr_pmd_entry(pmd_t *pmd, unsigned long addr, unsigned long next, struct mm_walk *walk)',
    ints: ['addr', 'next', 'walk->action'],
    handles: ['pmd', 'walk'],
    returns: true,
  },
] as const

type Host = (typeof HOSTS)[number]

const INTERESTING = [
  '0', '1', '-1', '2', '63', '64', '4096', '0x200000', '0x40000000', '0x7fffffff', '1000000000', '0xffffffffffffffffUL',
  '(1UL << 63)', '0xffff000000000000UL', '0xffff000000200000UL', '0xffff0000ffffffffUL', '0x1000000000000UL',
  'PAGE_SIZE', 'PMD_SIZE', 'PUD_SIZE', 'CONT_PTE_SIZE', 'PAGE_OFFSET', 'max_pfn', 'PROT_NS_SHARED', 'PTE_VALID', 'GFP_ATOMIC',
]

const FORMATS = ['"x\\n"', '"%d %u %x\\n"', '"%s\\n"', '"%p %px %pa\\n"', '"%999999999d\\n"', '"%-4000000x|\\n"', '"%c%c%c\\n"', '"%%\\n"']

const NATIVES = NATIVE_ROWS.filter((r) => r.name !== 'start_kernel')

function expression(host: Host, depth: number): fc.Arbitrary<string> {
  const leaves: fc.Arbitrary<string>[] = [fc.constantFrom(...INTERESTING), fc.constantFrom('v0', 'v1', 'i'), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => `0x${n.toString(16)}UL`)]
  if (host.ints.length) leaves.push(fc.constantFrom(...host.ints))
  if (depth <= 0) return fc.oneof(...leaves)
  const sub = expression(host, depth - 1)
  return fc.oneof(
    { arbitrary: fc.oneof(...leaves), weight: 4 },
    { arbitrary: fc.tuple(sub, fc.constantFrom('+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '<', '==', '&&'), sub).map(([a, op, b]) => `(${a} ${op} ${b})`), weight: 2 },
    { arbitrary: fc.tuple(fc.constantFrom('-', '~', '!', '(u32)', '(long)', '(bool)'), sub).map(([op, a]) => `${op}(${a})`), weight: 1 },
    { arbitrary: call(host, depth - 1), weight: 2 },
  )
}

function argument(kind: string, host: Host, depth: number): fc.Arbitrary<string> {
  if (kind === 'h') return fc.constantFrom('&pgtable_split_lock', '&rsi_present', ...host.handles)
  if (kind === 's') return fc.constantFrom(...FORMATS)
  return expression(host, depth)
}

function call(host: Host, depth: number): fc.Arbitrary<string> {
  return fc.constantFrom(...NATIVES).chain((row) => {
    const fixed = typeof row.arity === 'number' ? row.arity : row.arity.min
    const kinds = (row.params ?? '').padEnd(fixed, 'i')
    const extra = typeof row.arity === 'number' ? fc.constant([]) : fc.array(expression(host, 0), { maxLength: 3 })
    return fc
      .tuple(fc.tuple(...Array.from({ length: fixed }, (_, i) => argument(kinds[i], host, depth))), extra)
      .map(([args, more]) => `${row.name}(${[...args, ...more].join(', ')})`)
  })
}

function statements(host: Host, depth: number): fc.Arbitrary<string[]> {
  const simple = fc.oneof(
    expression(host, 2).map((e) => `v0 = ${e};`),
    call(host, 1).map((c) => `${c};`),
    call(host, 1).map((c) => `v1 = ${c};`),
    ...(host.handles.length ? [expression(host, 1).map((e) => `walk->action = ${e};`)] : []),
  )
  if (depth <= 0) return fc.array(simple, { minLength: 1, maxLength: 4 })
  const block = statements(host, depth - 1).map((s) => `{ ${s.join(' ')} }`)
  const compound = fc.oneof(
    fc.tuple(expression(host, 1), block, block).map(([c, a, b]) => `if (${c}) ${a} else ${b}`),
    fc.tuple(fc.constantFrom('3', '100', '100000', 'v0'), block).map(([n, b]) => `for (i = 0; i < ${n}; i++) ${b}`),
    fc.tuple(expression(host, 1), block).map(([c, b]) => `while (${c}) ${b}`),
  )
  return fc.array(fc.oneof({ arbitrary: simple, weight: 3 }, { arbitrary: compound, weight: 1 }), { minLength: 1, maxLength: 5 })
}

function override(host: Host): fc.Arbitrary<string> {
  const ret = host.returns ? expression(host, 1).map((e) => `\treturn ${e};\n`) : fc.constant('')
  return fc.tuple(statements(host, 2), ret).map(([body, r]) => `${host.head}\n{\n\tunsigned long v0 = 0, v1 = 0;\n\tint i = 0;\n\t${body.join('\n\t')}\n${r}}\n`)
}

/** A policy text overriding one to three distinct base-kernel functions. */
export const randomPolicy: fc.Arbitrary<string> = fc
  .uniqueArray(fc.constantFrom(...HOSTS), { minLength: 1, maxLength: 3, selector: (h) => h.head })
  .chain((hosts) => fc.tuple(...hosts.map(override)))
  .map((parts) => parts.join('\n'))
