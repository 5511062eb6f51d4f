/*
 * What the kernel keeps for the early buffer users between boot steps: the swiotlb default
 * pool (kernel/dma/swiotlb.c io_tlb_default_mem), the GIC ITS's tables
 * (drivers/irqchip/irq-gic-v3-its.c), and what one set_memory_decrypted() call saw on its
 * way (the model's probe, for the timeline). Plain records: the callers in src/core/callers
 * fill them, the Kernel only holds them.
 */
import type { PhysAddr } from '../memory/addr'

/** io_tlb_default_mem: the default bounce pool. */
export interface SwiotlbPool {
  pa: PhysAddr
  size: number
  forced: boolean
  /** Bytes already handed out as bounce slots, from the start of the pool. */
  used: number
  announced: boolean
}

/** The ITS's tables, each shared with the host in a realm. */
export interface ItsState {
  ok: boolean
  tables: { name: string; pa: PhysAddr; size: number }[]
}

/** Observations of the set_memory_decrypted() call in progress. */
export interface DecryptProbe {
  splitReturns: number[]
  splits: string[]
  /** The pageattr walk stopped on a leaf it did not fully cover. */
  walkStops: string[]
  warnSites: string[]
}
