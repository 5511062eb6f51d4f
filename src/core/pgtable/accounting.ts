/*
 * The leaf counters of the linear map's page tables (PgtableCounters in
 * result.ts): PUD and PMD blocks, PTEs, and the CONT runs among them, kept
 * exact by delta instead of by walking the tables:
 * a table mutation subtracts the stats of the entries it touches
 * before writing and adds them back after (table.ts addStats).
 */
import type { Level } from './prot'

/** Leaf counts of PgtableCounters (result.ts), kept exact by every table mutation. */
export interface LeafCounts {
  pudBlocks: number
  pmdBlocks: number
  contPmdRuns: number
  ptes: number
  contPteRuns: number
}

/**
 * Add sign × the stats of some entries of a level-`level` table: its own leaves
 * and full CONT groups, and, for a PMD table standing for a run of PTE tables,
 * the PTEs and CONT groups of those children.
 */
export function addLeafCounts(a: LeafCounts, level: Level, sign: number, leaves: number, contGroups: number, childPtes: number, childContPte: number): void {
  if (level === 1) a.pudBlocks += sign * leaves
  else if (level === 2) {
    a.pmdBlocks += sign * leaves
    a.contPmdRuns += sign * contGroups
    a.ptes += sign * childPtes
    a.contPteRuns += sign * childContPte
  } else {
    a.ptes += sign * leaves
    a.contPteRuns += sign * contGroups
  }
}
