/*
 * The kernel's symbol table as a call trace shows it (kernel/kallsyms.c %pS,
 * arch/arm64/kernel/stacktrace.c dump_backtrace()).
 *
 * A policy defines kernel functions in its own file; a WARN in one of them is
 * printed as the kernel would print it, naming the kernel file and a line: the
 * function's line in a v6.18 / 7.0-rc tree plus the WARN's offset inside the
 * policy's function. Lines counted in a public v6.18-era copy of
 * arch/arm64/mm/pageattr.c (pageattr_pmd_entry's WARN_ON_ONCE lands on :56, the
 * line of the 6.6-based report) or read off posted hunks (mmu.c
 * split_kernel_leaf_mapping at 772, init.c) are `counted`; the others are
 * approximate (docs/model.md). The policy's own file:line stays in the
 * BootResult, never in the dmesg text.
 *
 * Compiler effects a real trace shows: static helpers called once are inlined
 * and absent (`__change_memory_common`, `do_basic_setup`), some functions are
 * split or cloned (`__set_memory_enc_dec.part.0`, `virtnet_rq_alloc.isra.0`),
 * and an assembly leaf (`__pi_memcpy_generic`) keeps no frame record, so its
 * caller shows as `lr :` but not in the trace.
 *
 * Symbol offsets (+0x128/0x22c) are not known to the model: they are
 * synthesised deterministically from the name and the place in the function,
 * the same for the WARN header and its `pc :` line.
 */
import type { Frame } from '../policy/value'

export interface KernelSymbol {
  file: string
  /** Line of the function's definition. */
  line: number
  /** Counted in a public copy of the file (otherwise approximate). */
  counted?: true
  /** Inlined into its caller: absent from real traces. */
  inline?: true
  /** The name kallsyms holds when the compiler split or cloned the function. */
  symbol?: string
  /** An assembly leaf without a frame record: its caller appears as `lr :` only. */
  leaf?: true
}

const PAGEATTR = 'arch/arm64/mm/pageattr.c'
const MMU = 'arch/arm64/mm/mmu.c'
const INIT = 'arch/arm64/mm/init.c'
const MAIN = 'init/main.c'

const S = (file: string, line: number, extra: Partial<KernelSymbol> = {}): KernelSymbol => ({ file, line, ...extra })

export const KERNEL_SYMBOLS: Readonly<Record<string, KernelSymbol>> = {
  // arch/arm64/mm/pageattr.c, counted in a v6.18-era copy (= 7.0-rc4 before patch 2/3).
  set_pageattr_masks: S(PAGEATTR, 24, { counted: true, inline: true }),
  pageattr_pud_entry: S(PAGEATTR, 34, { counted: true }),
  pageattr_pmd_entry: S(PAGEATTR, 50, { counted: true }),
  pageattr_pte_entry: S(PAGEATTR, 66, { counted: true }),
  can_set_direct_map: S(PAGEATTR, 85, { counted: true }),
  update_range_prot: S(PAGEATTR, 100, { counted: true }),
  __change_memory_common: S(PAGEATTR, 127, { counted: true, inline: true }),
  set_memory_valid: S(PAGEATTR, 230, { counted: true }),
  __set_memory_enc_dec: S(PAGEATTR, 266, { counted: true, symbol: '__set_memory_enc_dec.part.0' }),
  realm_set_memory_encrypted: S(PAGEATTR, 312, { counted: true }),
  realm_set_memory_decrypted: S(PAGEATTR, 326, { counted: true }),
  realm_register_memory_enc_ops: S(PAGEATTR, 342, { counted: true }),
  // arch/arm64/mm/mmu.c: split_kernel_leaf_mapping from the fix's hunk header (@@ -773 ...); the rest approximate.
  split_pgtable_alloc: S(MMU, 560),
  split_kernel_leaf_mapping_locked: S(MMU, 700),
  force_pte_mapping: S(MMU, 740),
  split_kernel_leaf_mapping: S(MMU, 772, { counted: true }),
  linear_map_split_to_ptes: S(MMU, 960),
  linear_map_maybe_split_to_ptes: S(MMU, 1010),
  map_mem: S(MMU, 1130),
  paging_init: S(MMU, 1400),
  // arch/arm64/mm/init.c: arch_mm_preinit and the fix's mem_init from the hunks (@@ -350, @@ -377 ...).
  arch_mm_preinit: S(INIT, 320, { counted: true }),
  mem_init: S(INIT, 381, { counted: true }),
  arm64_rsi_init: S('arch/arm64/kernel/rsi.c', 140),
  set_memory_decrypted: S('arch/arm64/mm/mem_encrypt.c', 45),
  set_memory_encrypted: S('arch/arm64/mm/mem_encrypt.c', 36),
  // Boot steps a real trace never shows: inlined into their callers.
  do_basic_setup: S(MAIN, 1340, { inline: true }),
  do_initcalls: S(MAIN, 1320, { inline: true }),
  do_pre_smp_initcalls: S(MAIN, 1360, { inline: true }),
  ic_open_devs: S('net/ipv4/ipconfig.c', 200, { inline: true }),
  swiotlb_bounce: S('kernel/dma/swiotlb.c', 860),
  __pi_memcpy_generic: S('arch/arm64/lib/memcpy.S', 1, { leaf: true }),
  virtnet_rq_alloc: S('drivers/net/virtio_net.c', 900, { symbol: 'virtnet_rq_alloc.isra.0' }),
}

/** The kernel's file and line for a function a policy defines (unknown helpers: the policy line in mmu.c). */
export function kernelPlace(fn: string, policyLine: number, policyDefLine: number | undefined): { file: string; line: number; counted: boolean } {
  const sym = KERNEL_SYMBOLS[fn]
  if (!sym) return { file: MMU, line: policyLine, counted: false }
  const offset = policyDefLine === undefined ? 0 : Math.max(0, policyLine - policyDefLine)
  return { file: sym.file, line: sym.line + offset, counted: !!sym.counted }
}

/** The printed symbol name of a function. */
export function symbolName(fn: string): string {
  return KERNEL_SYMBOLS[fn]?.symbol ?? fn
}

function hash(text: string): number {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}

/** `fn+0x7c/0x88`: a stable pseudo size per function and an offset per place in it (`where`). */
export function symbolize(fn: string, where: string | number): string {
  const key = `${fn}@${where}`
  let text = SYMBOLIZED.get(key)
  if (text === undefined) {
    const size = 0x40 + (hash(fn) % 0x100) * 4
    const off = (4 + (hash(key) % ((size - 8) / 4)) * 4) & ~3
    text = `${symbolName(fn)}+0x${off.toString(16)}/0x${size.toString(16)}`
    // Policy functions and lines are the learner's: past this many the cache starts again rather than grow.
    if (SYMBOLIZED.size >= 4096) SYMBOLIZED.clear()
    SYMBOLIZED.set(key, text)
  }
  return text
}

/** symbolize() by `fn@where`: every WARN and oops prints a call trace of the same few places. */
const SYMBOLIZED = new Map<string, string>()

/** A frame of a printed trace: the kernel's view plus the policy place behind it. */
export interface TraceFrame extends Frame {
  /** The printed `fn+off/size`. */
  text: string
}

/**
 * The frames a real trace prints, innermost first: inlined kernel functions
 * dropped (a policy function always shows: the learner wrote it), repeated
 * neighbours merged, the caller of an assembly leaf dropped (it shows as lr).
 * Each frame's offset depends on where in it the call was, so a function
 * appears with the same offset wherever the same call is printed.
 * Returns the trace and the `lr :` frame.
 */
export function printedTrace(frames: readonly Frame[], pcWhere: string | number): { trace: TraceFrame[]; lr?: TraceFrame } {
  const shown = frames.filter((f, i) => !(f.origin === 'kernel' && KERNEL_SYMBOLS[f.fn]?.inline) && !(i > 0 && frames[i - 1].fn === f.fn))
  const out: TraceFrame[] = shown.map((f, i) => {
    const where = i === 0 ? pcWhere : f.origin === 'policy' ? (f.line ?? 0) : `>${shown[i - 1].fn}`
    return { ...f, text: symbolize(f.fn, where) }
  })
  const lr = out[1]
  if (out.length > 1 && KERNEL_SYMBOLS[out[0].fn]?.leaf && out[1].origin === 'kernel') out.splice(1, 1)
  return { trace: out, lr }
}
