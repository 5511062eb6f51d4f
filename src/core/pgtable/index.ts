/*
 * arm64 kernel page tables for the linear map (4K granule, 48-bit VA, PGD/PUD/PMD/PTE with
 * the P4D folded): the public surface of src/core/pgtable. Sparse and lazy: see table.ts.
 */
export { PageTable, counters } from './pgd'
export type { PageTableOptions, PgtableAlloc, PgtableType, SplitEvent, SplitKind, TablePages } from './pgd'
export { createMapping, NO_BLOCK_MAPPINGS, NO_CONT_MAPPINGS, NO_EXEC_MAPPINGS } from './create'
export { splitKernelLeafMappingLocked, rangeSplitToPtes } from './split'
export type { RepaintResult } from './split'
export { walkRange } from './walk'
export type { EntryRef, EntryVisitor, PageWalkOps, WalkAction, WalkState } from './walk'
export { entryAttrs, lookup, leafAt } from './lookup'
export type { LeafInfo, WalkStep } from './lookup'
export { extents, forEachSpan, rangeSummary } from './extents'
export type { RangeSummary } from './extents'
export { ENOMEM, EINVAL } from './errno'
export { formatPtdump, formatPtdumpRun, ptdumpWalk, PTDUMP_LEVEL_NAME } from './ptdump'
export type { PtdumpRun } from './ptdump'
export * from './prot'
export { LEAF_KIND, LEAF_KINDS, leafKind, walkIndices } from './leaf'
export type { LeafKindInfo, WalkIndex } from './leaf'
