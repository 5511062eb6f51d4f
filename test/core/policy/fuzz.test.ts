import fc from 'fast-check'
import { expect, test } from 'vitest'
import { type Handle, Interpreter, KernelHalt, PolicyError, linkPolicy } from '../../../src/core/policy'
import { fuzzTimeout, runFuzz } from '../../fuzz/settings'
import { compile, natives } from './harness'

const SAMPLE = `// SPDX-License-Identifier: GPL-2.0-only
#include <linux/mm.h>
#define SPLIT_RETRIES 3
#define BLOCK_MASK (PMD_SIZE - 1)

enum { WALK_GO, WALK_STOP = 4 };

bool page_alloc_available __ro_after_init;
static bool linear_map_requires_bbml2 __initdata = true;
unsigned long nr_splits;

static int pageattr_pmd_entry(pmd_t *pmd, unsigned long addr,
			      unsigned long next, struct mm_walk *walk)
{
	pmd_t val = pmdp_get(pmd);

	if (pmd_sect(val)) {
		if (WARN_ON_ONCE((next - addr) != PMD_SIZE))
			return -EINVAL;
		val = __pmd(val | 0x40);
		set_pmd(pmd, val);
		walk->action = WALK_STOP;
	}
	return 0;
}

int split_kernel_leaf_mapping(unsigned long start, unsigned long end)
{
	int ret = 0, tries;

	if (!system_supports_bbml2_noabort()) {
		extern bool page_alloc_available;
		if (WARN_ON(!page_alloc_available))
			return -EBUSY;
	}
	if ((start & BLOCK_MASK) == 0 && (end & BLOCK_MASK) == 0)
		goto out;

	mutex_lock(&pgtable_split_lock);
	for (tries = 0; tries < SPLIT_RETRIES; tries++) {
		ret = walk_range(start, end);
		if (!ret)
			break;
	}
	switch (ret) {
	case 0:
		nr_splits++;
		break;
	case -EINVAL:
	default:
		pr_info("split failed: %d\\n", ret);
	}
	mutex_unlock(&pgtable_split_lock);
out:
	return ret;
}

void __init mem_init(void)
{
	page_alloc_available = true;
	nr_splits = linear_map_requires_bbml2 ? (u64)-1 : sizeof(long);
}
`

const pmd = (): Handle => ({ handle: 'pmd', fields: {} })
const walk = (): Handle => ({ handle: 'mm_walk', fields: { action: 0n }, writable: ['action'] })

const table = natives(
  {
    pmdp_get: [1, () => 0x711n],
    pmd_sect: [1, (_c, [v]) => (typeof v === 'bigint' ? v & 1n : 0n)],
    __pmd: [1, (_c, [v]) => v],
    set_pmd: [2, () => {}],
    WARN_ON: [1, (_c, [c]) => c],
    WARN_ON_ONCE: [1, (_c, [c]) => c],
    pr_info: [{ min: 1 }, () => {}],
    system_supports_bbml2_noabort: [0, () => 0n],
    mutex_lock: [1, () => {}],
    mutex_unlock: [1, () => {}],
    panic: [1, () => { throw new KernelHalt('panic') }],
    walk_range: [2, (ctx, [s]) => ctx.call('pageattr_pmd_entry', [pmd(), s, (typeof s === 'bigint' ? s : 0n) + 0x200000n, walk()])],
  },
  { PMD_SIZE: 0x200000n, EINVAL: 22n, EBUSY: 16n },
  ['pgtable_split_lock'],
)

const edit = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...'(){};,*&-+!~<>=?:"\'\\/#[].x0_ \n'.split(''), '->', '__init', 'goto out;', 'while (1)', 'int', '1UL <<', '/*') }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
)

type Edit = { kind: 'delete'; at: number; len: number } | { kind: 'insert'; at: number; text: string } | { kind: 'duplicate'; at: number; len: number }

function apply(src: string, edits: Edit[]): string {
  let s = src
  for (const e of edits) {
    const at = e.at % (s.length + 1)
    if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + e.len)
    else if (e.kind === 'insert') s = s.slice(0, at) + e.text + s.slice(at)
    else s = s.slice(0, at) + s.slice(at, at + e.len) + s.slice(at)
  }
  return s
}

/** Compile, and run every function the edited policy defines; only diagnostics, PolicyError or KernelHalt may come out. */
function survive(src: string): void {
  const c = compile(src, table)
  for (const d of c.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1)
    expect(d.column).toBeGreaterThanOrEqual(1)
  }
  if (!c.program) return
  let it: Interpreter
  try {
    it = new Interpreter(linkPolicy({ functions: [], globals: [], defines: [], externs: [] }, c.program), table, { maxSteps: 5000 })
  } catch (e) {
    if (e instanceof PolicyError) return
    throw e
  }
  for (const f of c.program.functions) {
    const args = f.locals.slice(0, f.params).map((l, i) => (l.ty.t === 'ptr' ? (i === 0 ? pmd() : walk()) : BigInt(i) * 0x1000n))
    try {
      it.call(f.name, args)
    } catch (e) {
      if (!(e instanceof PolicyError) && !(e instanceof KernelHalt)) throw e
    }
  }
}

test('the unedited sample compiles clean and runs', () => {
  const c = compile(SAMPLE, table)
  expect(c.diagnostics).toEqual([])
  const it = new Interpreter(c.program!, table)
  it.call('mem_init', [])
  expect(it.getGlobal('nr_splits')).toBe(2n ** 64n - 1n)
  expect(it.call('split_kernel_leaf_mapping', [0x1000n, 0x5000n])).toBe(0n)
  expect(it.getGlobal('nr_splits')).toBe(0n)
  expect(it.call('split_kernel_leaf_mapping', [0n, 0x200000n])).toBe(0n)
})

test(
  'random edits of a kernel-style policy never crash the front end or the interpreter',
  () => {
    runFuzz('interpreter on an edited sample', fc.property(fc.array(edit, { minLength: 1, maxLength: 6 }), (edits) => survive(apply(SAMPLE, edits))), 2000)
  },
  fuzzTimeout(2000),
)
