/*
 * Permission changes on the linear map (arch/arm64/mm/pageattr.c).
 *
 * __change_memory_common() → update_range_prot(): first the policy's
 * split_kernel_leaf_mapping(start, end) (a non-zero return → WARN_ON_ONCE and
 * give up), then walk_kernel_page_table_range_lockless() with the policy's
 * pageattr_pud_entry()/pageattr_pmd_entry() and a native pte callback that
 * clears then sets bits with no checks. The first callback that returns an
 * error stops the walk, so a range can be left half-changed.
 */
import type { Kernel } from '../kernel/kernel'
import { bool, callSiteError, num, type NativeRow } from '../kernel/native-row'
import { bigToVirt, CONT_PMD_SIZE, CONT_PTE_SIZE, formatSize, formatVirt, LINEAR_MAP_SIZE, virt, virtToBig } from '../memory/addr'
import {
  Attr,
  entryAttrs,
  type EntryRef,
  leafAt,
  LEVEL_SIZE,
  maskToAttrs,
  pmd_cont,
  pmd_leaf,
  pmd_present,
  pmd_sect,
  pmd_table,
  pud_leaf,
  pud_present,
  pud_sect,
  walkRange,
  type WalkState,
} from '../pgtable'
import { type CValue, type Handle, isHandle, type NativeContext } from '../policy/value'

const PAGEATTR = 'arch/arm64/mm/pageattr.c'
/** enum page_walk_action (include/linux/pagewalk.h). */
export const ACTION_CONTINUE = 1
/** update_range_prot()'s WARN_ON_ONCE(ret), counted in a v6.18-era pageattr.c (console/symbols.ts). */
const UPDATE_RANGE_PROT_WARN_LINE = 110

/** A `pmd_t *` / `pud_t *` as a script holds it. */
interface EntryHandle extends Handle {
  readonly ref: EntryRef
}

/** `struct mm_walk *`: a script may read and set `walk->action`. */
interface WalkHandle extends Handle {
  fields: { action: bigint }
  readonly masks: { set: bigint; clear: bigint }
}

function entryOf(k: Kernel, v: CValue | undefined): EntryRef {
  if (v === undefined || !isHandle(v) || !('ref' in v)) {
    k.fault({ kind: 'panic', message: 'a page-table accessor was given something that is not a pmd_t */pud_t *' })
    k.panic('invalid page-table pointer')
  }
  return (v as EntryHandle).ref
}

function writeEntry(k: Kernel, v: CValue | undefined, desc: CValue | undefined): void {
  const ref = entryOf(k, v)
  try {
    ref.write(BigInt.asUintN(64, desc as bigint))
  } catch (e) {
    k.fault({ kind: 'panic', message: `corrupted the ${['pgd', 'pud', 'pmd', 'pte'][ref.level]} at ${formatVirt(virt(ref.va))}: ${(e as Error).message}` })
    k.panic('page table corrupted')
  }
}

function updateRangeProt(k: Kernel, ctx: NativeContext, addr: bigint, size: bigint, set: bigint, clear: bigint): bigint {
  const start = bigToVirt(addr)
  // change_memory_common() changes nothing for no pages; a range leaving the linear map is refused like an unmapped one.
  if (start === null) return -22n
  if (size === 0n) return 0n
  if (size < 0n || BigInt(start) + size > BigInt(LINEAR_MAP_SIZE)) return -22n
  try {
    maskToAttrs(set, 'set', k.pt.nsSharedBit)
    maskToAttrs(clear, 'clear', k.pt.nsSharedBit)
  } catch (e) {
    // Masks no descriptor can take (type or address bits, fixed kernel bits cleared) are the policy's mistake, at its call.
    throw callSiteError(ctx, '__change_memory_common', `__change_memory_common(): ${(e as Error).message}`)
  }
  const ret = BigInt.asIntN(32, ctx.call('split_kernel_leaf_mapping', [addr, addr + size]) as bigint)
  k.probe?.splitReturns.push(Number(ret))
  if (ret !== 0n) {
    if (k.warnOnce({ fn: 'update_range_prot', file: PAGEATTR, line: UPDATE_RANGE_PROT_WARN_LINE, origin: 'kernel' }))
      k.probe?.warnSites.push(`update_range_prot (${PAGEATTR})`)
    return ret
  }
  const walkHandle: WalkHandle = { handle: 'mm_walk', fields: { action: 0n }, writable: ['action'], masks: { set, clear } }
  const visit = (fn: string) => (ref: EntryRef, a: number, next: number, walk: WalkState): number => {
    walkHandle.fields.action = 0n
    const entry: EntryHandle = { handle: ref.level === 1 ? 'pud_t *' : 'pmd_t *', ref }
    const r = Number(BigInt.asIntN(32, ctx.call(fn, [entry, virtToBig(virt(a)), virtToBig(virt(next)), walkHandle]) as bigint))
    if (walkHandle.fields.action === BigInt(ACTION_CONTINUE)) walk.action = 'continue'
    if (r !== 0) {
      const size = LEVEL_SIZE[ref.level]
      const leafStart = ref.va - (ref.va % size)
      k.probe?.walkStops.push(
        `${fn}() returned ${r} for the ${formatSize(size)} ${ref.level === 1 ? 'PUD' : 'PMD'} entry at ${formatVirt(virt(leafStart))}, of which the range covers only ${formatSize(next - a)}`,
      )
    }
    return r
  }
  let walkRet = 0
  k.frame('walk_kernel_page_table_range_lockless', 'mm/pagewalk.c', () => {
    walkRet = walkRange(k.pt, start, virt(start + num(size)), { pud: visit('pageattr_pud_entry'), pmd: visit('pageattr_pmd_entry'), pteMasks: { set, clear } })
  })
  checkContiguousGroups(k, start, start + num(size))
  k.events.push({ kind: 'pgtable', op: 'attr', step: k.currentStep(), va: start, size: num(size), detail: `set 0x${set.toString(16)} clear 0x${clear.toString(16)}${walkRet ? ` (stopped: ${walkRet})` : ''}` })
  return BigInt(walkRet)
}

/**
 * The contiguous hint promises 16 entries with the same attributes and adjacent
 * output. pageattr's pte callback (and the pmd one, for CONT_PMD) changes entries
 * one by one without checking, so a range that ends inside a CONT group leaves a
 * group whose entries disagree: a misprogrammed contiguous hint, architecturally
 * CONSTRAINED UNPREDICTABLE (the TLB may use either translation for the whole
 * group). Only the groups at the two ends of the range can break this way.
 */
function checkContiguousGroups(k: Kernel, start: number, end: number): void {
  // The first and the last byte of the range (a range may be shorter than a page).
  for (const addr of [start, end - 1]) {
    const leaf = leafAt(k.pt, virt(addr))
    if (!leaf || leaf.level === 1 || !(leaf.attrs & Attr.CONT)) continue
    const groupSize = leaf.level === 2 ? CONT_PMD_SIZE : CONT_PTE_SIZE
    const group = addr - (addr % groupSize)
    const attrs = new Set(entryAttrs(k.pt, virt(group), leaf.level, groupSize / leaf.size))
    const key = `cont:${group}`
    if (attrs.size === 1 || k.reportedOnce.has(key)) continue
    k.reportedOnce.add(key)
    k.fault({
      kind: 'broken-contiguous-hint',
      message: `the ${leaf.level === 2 ? 'CONT_PMD' : 'CONT_PTE'} group at ${formatVirt(virt(group))} (${formatSize(groupSize)}) was changed only in part and still has the contiguous hint: its entries disagree, so the TLB may use either translation for all of them`,
      va: virt(group),
      assumption: 'A misprogrammed contiguous hint is CONSTRAINED UNPREDICTABLE; the model reports it as a broken invariant without guessing which translation the TLB would use.',
    })
  }
}

const descriptor = (name: string, doc: string, test: (d: bigint) => boolean): NativeRow => ({
  name,
  arity: 1,
  file: 'arch/arm64/include/asm/pgtable.h',
  doc,
  impl: (_k, _ctx, [d]) => bool(test(BigInt.asUintN(64, d as bigint))),
})

const identity = (name: string, doc: string): NativeRow => ({ name, arity: 1, file: 'arch/arm64/include/asm/pgtable-types.h', doc, impl: (_k, _ctx, [v]) => v })

export const PAGEATTR_NATIVES: NativeRow[] = [
  {
    name: '__change_memory_common',
    arity: 4,
    file: PAGEATTR,
    doc: '__change_memory_common(start, size, set, clear) → update_range_prot(): split_kernel_leaf_mapping() (WARN_ON_ONCE on error), then walk with pageattr_{pud,pmd}_entry and a pte callback that clears then sets; flushes the TLB.',
    impl: (k, ctx, [addr, size, set, clear]) => {
      let ret = 0n
      k.frame('update_range_prot', PAGEATTR, () => {
        ret = updateRangeProt(k, ctx, addr as bigint, size as bigint, BigInt.asUintN(64, set as bigint), BigInt.asUintN(64, clear as bigint))
      })
      return ret
    },
  },
  {
    name: 'set_pageattr_masks',
    arity: 2,
    params: 'ih',
    file: PAGEATTR,
    doc: "set_pageattr_masks(val, walk): val with the walk's clear mask cleared, then its set mask set.",
    impl: (_k, ctx, [val, walk]) => {
      if (!('masks' in (walk as Handle))) throw callSiteError(ctx, 'set_pageattr_masks', `argument 2 of set_pageattr_masks() must be the struct mm_walk * of the walk, not ${(walk as Handle).handle}`)
      const masks = (walk as WalkHandle).masks
      return (BigInt.asUintN(64, val as bigint) & ~masks.clear) | masks.set
    },
  },
  { name: 'pmdp_get', params: 'h', arity: 1, file: 'arch/arm64/include/asm/pgtable.h', doc: 'Read the PMD descriptor a pmd_t * points at.', impl: (k, _ctx, [p]) => entryOf(k, p).read() },
  { name: 'pudp_get', params: 'h', arity: 1, file: 'arch/arm64/include/asm/pgtable.h', doc: 'Read the PUD descriptor a pud_t * points at.', impl: (k, _ctx, [p]) => entryOf(k, p).read() },
  { name: 'set_pmd', params: 'hi', arity: 2, file: 'arch/arm64/include/asm/pgtable.h', doc: 'Write a PMD descriptor (no break-before-make).', impl: (k, _ctx, [p, v]) => writeEntry(k, p, v) },
  { name: 'set_pud', params: 'hi', arity: 2, file: 'arch/arm64/include/asm/pgtable.h', doc: 'Write a PUD descriptor (no break-before-make).', impl: (k, _ctx, [p, v]) => writeEntry(k, p, v) },
  identity('pmd_val', 'The raw 64-bit value of a pmd_t.'),
  identity('pud_val', 'The raw 64-bit value of a pud_t.'),
  identity('__pmd', 'A pmd_t from a raw value.'),
  identity('__pud', 'A pud_t from a raw value.'),
  descriptor('pmd_sect', 'A VALID block (bits[1:0] == 01). False for an invalidated block: the 2/3 bug.', pmd_sect),
  descriptor('pud_sect', 'A VALID block (bits[1:0] == 01). False for an invalidated block: the 2/3 bug.', pud_sect),
  descriptor('pmd_leaf', 'Present and not a table: VALID, or present-invalid (PTE_PRESENT_INVALID). What 2/3 tests.', pmd_leaf),
  descriptor('pud_leaf', 'Present and not a table: VALID, or present-invalid (PTE_PRESENT_INVALID). What 2/3 tests.', pud_leaf),
  descriptor('pmd_present', 'VALID, or present-invalid.', pmd_present),
  descriptor('pud_present', 'VALID, or present-invalid.', pud_present),
  descriptor('pmd_table', 'Points to a PTE table (bits[1:0] == 11).', pmd_table),
  descriptor('pmd_cont', 'Has the contiguous hint (bit 52).', pmd_cont),
]
