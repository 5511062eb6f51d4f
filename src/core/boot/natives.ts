/*
 * Everything a policy may call or name that it does not define itself: the
 * native half of the simulated kernel. One table serves three uses: compile-time
 * checks (names and argument counts), the editor's hover text, and each boot,
 * which binds the rows to its Kernel.
 */
import { BUDDY_NATIVES } from '../buddy/alloc'
import { CONSOLE_NATIVES } from '../console/natives'
import { MEMBLOCK_NATIVES } from '../memblock/alloc'
import { CPUFEATURE_NATIVES } from '../cpufeature/capabilities'
import { SWIOTLB_FORCE, SWIOTLB_NATIVES, SWIOTLB_VERBOSE } from '../callers/swiotlb'
import { bigToVirt, CONT_PMD_SIZE, CONT_PTE_SIZE, PAGE_SHIFT, PAGE_SIZE, PMD_SIZE, PUD_SIZE, virtToPhys } from '../memory/addr'
import { LINEAR_MAP_NATIVES, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS, NO_EXEC_MAPPINGS } from '../mm/linear-map'
import { MEM_ENCRYPT_NATIVES } from '../mm/mem-encrypt'
import { zonesOf } from '../mm/zones'
import { ACTION_CONTINUE, PAGEATTR_NATIVES } from '../mm/pageattr'
import { PTE_CONT, PTE_PRESENT_INVALID, PTE_PXN, PTE_RDONLY, PTE_UXN, PTE_VALID } from '../pgtable'
import { type CValue, KernelHalt, type NativeConstant, type NativeContext, type NativeFunction, type NativeObject, type NativeTable, PolicyError } from '../policy/value'
import type { Scenario } from '../scenario/schema'
import type { Kernel } from '../kernel/kernel'
import { bool, callSiteError, type NativeRow } from '../kernel/native-row'
import { TIMELINE_NATIVES } from './timeline'

const MACROS: NativeRow[] = [
  { name: 'PAGE_ALIGNED', arity: 1, file: 'include/linux/mm.h', doc: 'Is x a multiple of PAGE_SIZE?', impl: (_k, _c, [x]) => bool((x as bigint) % BigInt(PAGE_SIZE) === 0n) },
  { name: 'PAGE_ALIGN', arity: 1, file: 'include/linux/mm.h', doc: 'Round x up to PAGE_SIZE.', impl: (_k, _c, [x]) => (((x as bigint) + BigInt(PAGE_SIZE - 1)) / BigInt(PAGE_SIZE)) * BigInt(PAGE_SIZE) },
  { name: 'IS_ALIGNED', arity: 2, file: 'include/linux/align.h', doc: 'IS_ALIGNED(x, a): x is a multiple of a (a power of two).', impl: (_k, _c, [x, a]) => bool(((x as bigint) & ((a as bigint) - 1n)) === 0n) },
  { name: 'ALIGN', arity: 2, file: 'include/linux/align.h', doc: 'ALIGN(x, a): round x up to a multiple of a.', impl: (_k, _c, [x, a]) => ((x as bigint) + (a as bigint) - 1n) & ~((a as bigint) - 1n) },
  { name: 'ALIGN_DOWN', arity: 2, file: 'include/linux/align.h', doc: 'ALIGN_DOWN(x, a): round x down to a multiple of a.', impl: (_k, _c, [x, a]) => (x as bigint) & ~((a as bigint) - 1n) },
  {
    name: 'BIT',
    arity: 1,
    file: 'include/vdso/bits.h',
    doc: 'BIT(n) = 1UL << n, for n from 0 to 63.',
    impl: (_k, ctx, [n]) => {
      // As in C, shifting an unsigned long by 64 or more is undefined; here it is an error at the call.
      if ((n as bigint) < 0n || (n as bigint) > 63n) throw callSiteError(ctx, 'BIT', `BIT(${n}): the bit number must be from 0 to 63`)
      return 1n << (n as bigint)
    },
  },
  {
    name: '__ffs',
    arity: 1,
    file: 'include/asm-generic/bitops/__ffs.h',
    doc: '__ffs(word): index of the lowest set bit (undefined for 0; here 64).',
    impl: (_k, _c, [x]) => {
      const v = BigInt.asUintN(64, x as bigint)
      if (v === 0n) return 64n
      let n = 0n
      while (((v >> n) & 1n) === 0n) n++
      return n
    },
  },
  { name: 'PFN_DOWN', arity: 1, file: 'include/linux/pfn.h', doc: 'Page frame number of a physical address.', impl: (_k, _c, [x]) => (x as bigint) >> BigInt(PAGE_SHIFT) },
  { name: 'min', arity: 2, file: 'include/linux/minmax.h', doc: 'The smaller of two values.', impl: (_k, _c, [a, b]) => ((a as bigint) < (b as bigint) ? a : b) },
  { name: 'max', arity: 2, file: 'include/linux/minmax.h', doc: 'The larger of two values.', impl: (_k, _c, [a, b]) => ((a as bigint) > (b as bigint) ? a : b) },
  { name: '__pgprot', arity: 1, file: 'arch/arm64/include/asm/pgtable-types.h', doc: 'Wrap bits as a pgprot_t (the same number here).', impl: (_k, _c, [x]) => x },
  { name: 'pgprot_val', arity: 1, file: 'arch/arm64/include/asm/pgtable-types.h', doc: 'The bits of a pgprot_t.', impl: (_k, _c, [x]) => x },
  { name: 'mutex_lock', arity: 1, params: 'h', file: 'kernel/locking/mutex.c', doc: 'Take a sleeping lock (one task runs the boot here, so it never waits).', impl: () => {} },
  { name: 'mutex_unlock', arity: 1, params: 'h', file: 'kernel/locking/mutex.c', doc: 'Release a sleeping lock.', impl: () => {} },
  { name: 'arch_enter_lazy_mmu_mode', arity: 0, file: 'arch/arm64/include/asm/pgtable.h', doc: 'Batch page-table barriers until arch_leave_lazy_mmu_mode().', impl: () => {} },
  { name: 'arch_leave_lazy_mmu_mode', arity: 0, file: 'arch/arm64/include/asm/pgtable.h', doc: 'Flush the batched barriers.', impl: () => {} },
  { name: 'debug_pagealloc_enabled', arity: 0, file: 'include/linux/mm.h', doc: 'debug_pagealloc=on: every page mapped and unmapped on alloc/free, so the direct map must be PTEs.', impl: (k) => bool(k.scenario.cmdline.debug_pagealloc) },
  { name: 'arm64_kfence_can_set_direct_map', arity: 0, file: 'arch/arm64/mm/mmu.c', doc: 'KFENCE may be enabled late, so the whole direct map must be page granular.', impl: (k) => bool(k.scenario.cmdline.kfence) },
  {
    name: 'is_kfence_address',
    arity: 1,
    params: 'a',
    file: 'include/linux/kfence.h',
    doc: 'Is addr inside the early KFENCE pool (PTE-mapped by map_mem(), so never split)?',
    impl: (k, _c, [addr]) => {
      const pool = k.kfencePool
      const va = typeof addr === 'bigint' ? bigToVirt(addr) : null
      if (!pool || va === null) return 0n
      const pa = virtToPhys(k.layout, va)
      return bool(pa >= pool.pa && pa < pool.pa + pool.size)
    },
  },
]

export const NATIVE_ROWS: readonly NativeRow[] = [
  ...TIMELINE_NATIVES,
  ...CPUFEATURE_NATIVES,
  ...CONSOLE_NATIVES,
  ...MACROS,
  ...LINEAR_MAP_NATIVES,
  ...MEMBLOCK_NATIVES,
  ...BUDDY_NATIVES,
  ...PAGEATTR_NATIVES,
  ...MEM_ENCRYPT_NATIVES,
  ...SWIOTLB_NATIVES,
]

/** Native functions a policy may not redefine: the boot order and the model's machinery. */
export const POLICY_OVERRIDABLE = new Set(['mem_init'])

interface ConstantRow {
  name: string
  doc: string
  value(s: Scenario): bigint
}

const GFP_KERNEL = 0x400n | 0x800n | 0x40n | 0x80n

const CONSTANT_ROWS: readonly ConstantRow[] = [
  { name: 'PAGE_SIZE', doc: '4 KiB granule.', value: () => BigInt(PAGE_SIZE) },
  { name: 'PAGE_SHIFT', doc: 'log2(PAGE_SIZE).', value: () => BigInt(PAGE_SHIFT) },
  { name: 'CONT_PTE_SIZE', doc: '16 contiguous PTEs = 64 KiB.', value: () => BigInt(CONT_PTE_SIZE) },
  { name: 'PMD_SIZE', doc: 'A PMD block: 2 MiB.', value: () => BigInt(PMD_SIZE) },
  { name: 'CONT_PMD_SIZE', doc: '16 contiguous PMD blocks = 32 MiB.', value: () => BigInt(CONT_PMD_SIZE) },
  { name: 'PUD_SIZE', doc: 'A PUD block: 1 GiB.', value: () => BigInt(PUD_SIZE) },
  { name: 'SZ_4K', doc: 'include/linux/sizes.h: 4 KiB.', value: () => 0x1000n },
  { name: 'SZ_64K', doc: 'include/linux/sizes.h: 64 KiB.', value: () => 0x10000n },
  { name: 'SZ_2M', doc: 'include/linux/sizes.h: 2 MiB.', value: () => 0x200000n },
  { name: 'SZ_1G', doc: 'include/linux/sizes.h: 1 GiB.', value: () => 0x40000000n },
  { name: 'PAGE_OFFSET', doc: 'Start of the linear map (48-bit VAs).', value: () => 0xffff000000000000n },
  { name: 'PTE_VALID', doc: 'Descriptor bit 0.', value: () => PTE_VALID },
  { name: 'PTE_PRESENT_INVALID', doc: 'nG (bit 11) reused by patch 2/3: present but invalid.', value: () => PTE_PRESENT_INVALID },
  { name: 'PTE_RDONLY', doc: 'AP[2], bit 7.', value: () => PTE_RDONLY },
  { name: 'PTE_PXN', doc: 'Privileged execute-never, bit 53.', value: () => PTE_PXN },
  { name: 'PTE_UXN', doc: 'Unprivileged execute-never, bit 54.', value: () => PTE_UXN },
  { name: 'PTE_CONT', doc: 'Contiguous hint, bit 52.', value: () => PTE_CONT },
  {
    name: 'PROT_NS_SHARED',
    doc: 'The realm shared bit: the top IPA bit (from the RMM); 0 outside a realm.',
    value: (s) => (s.realm ? 1n << BigInt(s.machine.ipaBits - 1) : 0n),
  },
  { name: 'NO_BLOCK_MAPPINGS', doc: '__create_pgd_mapping flag: no PUD/PMD blocks.', value: () => BigInt(NO_BLOCK_MAPPINGS) },
  { name: 'NO_CONT_MAPPINGS', doc: '__create_pgd_mapping flag: no contiguous runs.', value: () => BigInt(NO_CONT_MAPPINGS) },
  { name: 'NO_EXEC_MAPPINGS', doc: '__create_pgd_mapping flag: PXN on tables.', value: () => BigInt(NO_EXEC_MAPPINGS) },
  // include/linux/gfp_types.h (6.4+ bit numbers): __GFP_HIGH 0x20, __GFP_IO 0x40, __GFP_FS 0x80, __GFP_ZERO 0x100,
  // __GFP_DIRECT_RECLAIM 0x400, __GFP_KSWAPD_RECLAIM 0x800; GFP_PGTABLE_KERNEL from asm-generic/pgalloc.h.
  { name: 'GFP_KERNEL', doc: '__GFP_RECLAIM | __GFP_IO | __GFP_FS: may sleep.', value: () => GFP_KERNEL },
  { name: '__GFP_ZERO', doc: 'Return zeroed pages.', value: () => 0x100n },
  { name: 'GFP_PGTABLE_KERNEL', doc: 'GFP_KERNEL | __GFP_ZERO: GFP flags for kernel page tables (may sleep).', value: () => GFP_KERNEL | 0x100n },
  { name: 'GFP_ATOMIC', doc: '__GFP_HIGH | __GFP_KSWAPD_RECLAIM: never sleeps (the stop_machine repaint).', value: () => 0x820n },
  { name: 'ACTION_CONTINUE', doc: 'mm_walk action: do not descend into this entry.', value: () => BigInt(ACTION_CONTINUE) },
  { name: 'SWIOTLB_VERBOSE', doc: 'swiotlb_init flag: print the pool.', value: () => SWIOTLB_VERBOSE },
  { name: 'SWIOTLB_FORCE', doc: 'swiotlb_init flag: bounce all DMA (realms).', value: () => SWIOTLB_FORCE },
  { name: 'EPERM', doc: 'errno 1.', value: () => 1n },
  { name: 'ENOMEM', doc: 'errno 12.', value: () => 12n },
  { name: 'EBUSY', doc: 'errno 16.', value: () => 16n },
  { name: 'EINVAL', doc: 'errno 22.', value: () => 22n },
  { name: 'rodata_full', doc: 'rodata=full on the command line (the arm64 default).', value: (s) => bool(s.cmdline.rodata === 'full') },
  {
    name: 'max_pfn',
    doc: 'Highest page frame number of RAM.',
    value: (s) => BigInt(Math.max(...s.machine.ram.map((r) => r.base + r.size)) / PAGE_SIZE),
  },
  {
    name: 'arm64_dma_phys_limit',
    doc: 'The end of ZONE_DMA (zone_sizes_init() → max_zone_phys()): 4 GiB when RAM starts below 4 GiB, else the end of RAM.',
    value: (s) => BigInt(zonesOf(s).dmaPhysLimit),
  },
]

/** Kernel objects a policy may only take the address of. */
const OBJECTS: readonly NativeObject[] = [
  { name: 'pgtable_split_lock', doc: 'The mutex that serializes linear-map splits (arch/arm64/mm/mmu.c).' },
  { name: 'rsi_present', doc: 'The static key behind is_realm_world() (arch/arm64/kernel/rsi.c).' },
]

const signature = (row: NativeRow): NativeFunction => ({
  name: row.name,
  arity: row.arity,
  file: row.file,
  doc: row.doc,
  unverified: row.unverified,
  impl: () => {
    throw new Error(`native ${row.name} called outside a boot`)
  },
})

function table(functions: NativeFunction[], constants: NativeConstant[]): NativeTable {
  return {
    functions: new Map(functions.map((f) => [f.name, f])),
    constants: new Map(constants.map((c) => [c.name, c])),
    objects: new Map(OBJECTS.map((o) => [o.name, o])),
  }
}

/** Names, arities and docs, for compiling and for hover text; constants show their default-machine values. */
export const NATIVE_SIGNATURES: NativeTable = table(
  NATIVE_ROWS.map(signature),
  CONSTANT_ROWS.map((c) => ({ name: c.name, doc: c.doc, value: 0n })),
)

const KIND_NAMES: Record<string, string> = { i: 'an integer', h: 'a kernel pointer (pmd_t *, struct mm_walk *, &lock)', s: 'a string literal' }

function kindOf(v: CValue): string {
  return typeof v === 'bigint' ? 'i' : typeof v === 'string' ? 's' : 'h'
}

/** A C argument is at most 64 bits: kernel values (`dyn`) are exact, so a longer one must stop at the call. */
const MIN_64 = -(1n << 63n)
const LIMIT_64 = 1n << 64n
const fits64 = (v: bigint) => v >= MIN_64 && v < LIMIT_64

/** Each row's argument kinds ('i', 'h', 's'; 'a' past them: anything), worked out once, not per call. */
const KINDS = new Map(NATIVE_ROWS.map((row) => [row, row.params ?? 'i'.repeat(typeof row.arity === 'number' ? row.arity : row.arity.min)]))

/** Reject a wrongly typed argument at the policy's call site, before the native sees it. */
function checkArguments(row: NativeRow, kinds: string, ctx: NativeContext, args: CValue[]): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const want = kinds[i] ?? 'a'
    if (typeof arg === 'bigint' && !fits64(arg)) throw callSiteError(ctx, row.name, `argument ${i + 1} of ${row.name}() does not fit in 64 bits`)
    if (want === 'a' || kindOf(arg) === want) continue
    throw callSiteError(ctx, row.name, `argument ${i + 1} of ${row.name}() must be ${KIND_NAMES[want]}, not ${KIND_NAMES[kindOf(arg)]}`)
  }
}

// Deep recursion through natives can exhaust the JS stack; the interpreter reports that itself.
const isStackOverflow = (e: unknown) => e instanceof RangeError && /call stack/i.test(e.message)

/**
 * Run a native, turning a failure of the model itself into a diagnostic at the
 * policy's call: a learner's script must never crash the app or the grader.
 */
function runNative(row: NativeRow, k: Kernel, ctx: NativeContext, args: CValue[]): CValue | void {
  try {
    return row.impl(k, ctx, args)
  } catch (e) {
    if (e instanceof PolicyError || e instanceof KernelHalt || isStackOverflow(e)) throw e
    throw callSiteError(ctx, row.name, `${row.name}() failed inside the simulator (${e instanceof Error ? e.message : String(e)}); please report this with your policy`, 'internal')
  }
}

/** The natives of one boot, closed over its kernel. */
export function bindNatives(k: Kernel): NativeTable {
  return table(
    NATIVE_ROWS.map((row) => {
      const kinds = KINDS.get(row)!
      return {
        ...signature(row),
        impl: (ctx, args) => {
          checkArguments(row, kinds, ctx, args)
          return runNative(row, k, ctx, args)
        },
      }
    }),
    CONSTANT_ROWS.map((c) => ({ name: c.name, doc: c.doc, value: c.value(k.scenario) })),
  )
}
