/*
 * Runaway shapes: policies that once ran for seconds or minutes (found by the policy fuzzer,
 * the red team and reviews). The unit tests check what each ends in, deterministically (its
 * line, the step budget, the log or reservation cap); `npm run bench` times each against
 * `limitMs` (bench/runaways.ts): speed is checked there, never in a unit test.
 */
export interface RunawayBoot {
  /** What the policy does, as the tests and the bench name it. */
  what: string
  scenario: string
  file: string
  text: string
  /** The most CPU time a boot of it may take (the bench's limit). */
  limitMs: number
}

import { addRange, type Range, removeRange } from '../../src/core/memory/ranges'

/**
 * `n` 4 KiB holes punched every 8 KiB from address 0, then every other hole filled again: the
 * list ends as 12 KiB ranges 4 KiB apart, each update a search and a splice in a list of
 * up to `n` ranges (the shape a fragmenting allocation loop gives memblock).
 */
export function fragment(ranges: Range[], n: number): void {
  for (let a = 0; a < n * 8192; a += 8192) removeRange(ranges, a, a + 4096)
  for (let a = 8192; a < n * 8192; a += 16384) addRange(ranges, a, a + 4096)
}

const boot = (what: string, scenario: string, file: string, text: string, limitMs: number): RunawayBoot => ({ what, scenario, file, text, limitMs })
const inMemInit = (body: string) => `void __init mem_init(void)\n{\n${body}\n}\n`

/** map_memblock_ranges() a second time (20 ms a call: a loop of them took minutes per boot). */
export const MAP_AGAIN = [
  boot('mapping RAM again with other flags', 'host-no-bbml2', 'twice.c', 'void __init map_mem(void)\n{\n\tmap_memblock_ranges(0);\n\tmap_memblock_ranges(NO_BLOCK_MAPPINGS);\n}\n', 2000),
  boot('mapping RAM again in a loop', 'host-no-bbml2', 'twice.c', 'void __init map_mem(void)\n{\n\tmap_memblock_ranges(-1);\n\twhile (1) map_memblock_ranges(-1);\n}\n', 2000),
]

/** Loops that fragment memblock's and the realm's range lists (11 s in 20,000 steps before they searched). */
export const FRAGMENTING = {
  memblock: boot('memblock_phys_alloc(2) in a loop', 'realm', 'frag.c', 'void __init map_mem(void)\n{\n\twhile (1)\n\t\tmemblock_phys_alloc(2, PAGE_SIZE);\n}\n', 3000),
  holes: boot(
    'punching 4 KiB holes in shared memory in a loop',
    'realm',
    'holes.c',
    inMemInit('\tunsigned long a;\n\trsi_set_memory_range_shared(0x40000000, 0x80000000);\n\tfor (a = 0x40000000; ; a += 8192)\n\t\trsi_set_memory_range_protected(a, a + 4096);'),
    3000,
  ),
}

/** Loops around one kernel call each, ending at the step budget. */
export const BUDGET_LOOPS = [
  boot('memblock_phys_alloc', 'realm', 'runaway.c', 'void __init arch_mm_preinit(void)\n{\n\tfor (;;)\n\t\tmemblock_phys_alloc(PAGE_SIZE, PAGE_SIZE);\n}\n', 5000),
  boot('pagetable_alloc', 'realm', 'runaway.c', inMemInit('\twhile (1)\n\t\tpagetable_alloc(GFP_PGTABLE_KERNEL);'), 5000),
  boot('set_memory_decrypted', 'host', 'runaway.c', inMemInit('\tfor (;;)\n\t\tset_memory_decrypted(PAGE_OFFSET, 1);'), 5000),
  boot('split_kernel_leaf_mapping_locked', 'host-1t', 'runaway.c', inMemInit('\tunsigned long a;\n\tfor (a = PAGE_OFFSET + 4096; ; a += PMD_SIZE)\n\t\tsplit_kernel_leaf_mapping_locked(a);'), 5000),
]

/** Loops that print, ending when the kernel log holds MAX_CONSOLE_LINES lines. */
export const PRINTING_LOOPS = [
  boot('WARN_ON', 'host', 'runaway.c', inMemInit('\tfor (;;)\n\t\tWARN_ON(1);'), 5000),
  boot('pr_info', 'host', 'runaway.c', inMemInit('\tfor (;;)\n\t\tpr_info("boot %d\\n", 1);'), 5000),
  boot('set_memory_decrypted (each failure WARNs)', 'realm', 'runaway.c', inMemInit('\tfor (;;)\n\t\tset_memory_decrypted(PAGE_OFFSET, 1);'), 5000),
]

const LONG = 'x'.repeat(100_000)
const WIDE = Array.from({ length: 8 }, () => 'PUD_SIZE').join(' * ')

/** Single statements whose naive evaluation allocates or computes without bound. */
export const HUGE_VALUES = {
  printk: boot('a huge printk width or string', 'host', 'runaway.c', inMemInit(`\tpr_info("%999999999d|%-500000000s|\\n", 1, "${LONG}");\n\tpr_info("${LONG}");`), 5000),
  shift: boot('a shift too large for a C integer', 'host', 'runaway.c', inMemInit('\tunsigned long x;\n\tx = BIT(1000000000);'), 1000),
  wide: boot('kernel values wider than 64 bits', 'host', 'runaway.c', inMemInit(`\tpr_info("%d\\n",\n\t\t${WIDE});`), 1000),
  squaring: boot(
    'squaring a handle field in a loop',
    'realm',
    'runaway.c',
    '\nstatic int pageattr_pmd_entry(pmd_t *pmd, unsigned long addr, unsigned long next, struct mm_walk *walk)\n{\n\tint i;\n\n\twalk->action = 3;\n\tfor (i = 0; i < 1000; i++)\n\t\twalk->action = walk->action * walk->action + 1;\n\treturn 0;\n}\n',
    2000,
  ),
  recursion: boot(
    'recursion through a native',
    'realm',
    'runaway.c',
    '\nstatic int __set_memory_enc_dec(unsigned long addr, int numpages, bool encrypt)\n{\n\treturn set_memory_decrypted(addr, numpages);\n}\n',
    5000,
  ),
}

/** Every runaway boot, for the bench. */
export const RUNAWAY_BOOTS: RunawayBoot[] = [...MAP_AGAIN, ...Object.values(FRAGMENTING), ...BUDGET_LOOPS, ...PRINTING_LOOPS, ...Object.values(HUGE_VALUES)]
