/*
 * The words of a BootResult a lab goal may use (verdict statuses, windows,
 * caller outcomes, leaf kinds, fault kinds), as runtime lists for the manifest
 * schema. Each list is checked against the core's type: when the core adds a
 * fault kind or a window, this file stops type-checking until the list follows.
 */
import type { CallOutcome, Fault, LeafKind, Verdict, WindowId } from '../core'

/** Accepts a list only if it names every member of T (and nothing else). */
const everyMemberOf =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })): L =>
    list

export const VERDICT_STATUSES = everyMemberOf<Verdict['status']>()(['booted', 'booted-with-warnings', 'failed', 'policy-error'])

export const WINDOW_IDS = everyMemberOf<WindowId>()(['W0', 'W1', 'W2', 'W3'])

export const CALL_OUTCOMES = everyMemberOf<CallOutcome>()(['ok', 'warn', 'error', 'skipped'])

export const LEAF_KINDS = everyMemberOf<LeafKind>()(['PUD', 'CONT_PMD', 'PMD', 'CONT_PTE', 'PTE'])

export const FAULT_KINDS = everyMemberOf<Fault['kind']>()([
  'tlb-conflict',
  'pgtable-alloc-before-buddy',
  'memblock-after-handover',
  'translation-fault',
  'external-abort',
  'realm-memory-exposed',
  'broken-contiguous-hint',
  'dma-not-shared',
  'init-memory-used',
  'panic',
])
