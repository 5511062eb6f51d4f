/*
 * The buddy page allocator (mm/page_alloc.c), from memblock_free_all() on.
 *
 * The model keeps free memory as sorted ranges and hands out naturally aligned
 * blocks of 2^order pages, highest address first (a fresh buddy allocator's free
 * lists are filled in address order and allocate from their heads). A bulk
 * request for many page-table pages (the stop_machine repaint) takes one
 * contiguous run: the real pages would be scattered, the count is the same.
 */
import { PAGE_SIZE, type PhysAddr, phys } from '../memory/addr'
import { findTopDown, type Range, removeRange, totalBytes } from '../memory/ranges'

export class Buddy {
  private readonly freeRanges: Range[]
  readonly totalPages: number
  allocatedPages = 0

  constructor(free: Range[]) {
    this.freeRanges = free.map((r) => ({ ...r }))
    this.totalPages = totalBytes(free) / PAGE_SIZE
  }

  /** alloc_pages(order): a naturally aligned block of 2^order pages below `limit` (a GFP zone's end), or null. */
  allocPages(order: number, limit?: number): PhysAddr | null {
    const size = PAGE_SIZE * 2 ** order
    const base = findTopDown(this.freeRanges, size, size, limit)
    if (base === null) return null
    removeRange(this.freeRanges, base, base + size)
    this.allocatedPages += 2 ** order
    return phys(base)
  }

  /** `count` consecutive pages (a model shortcut for bulk page-table allocation). */
  allocRun(count: number): PhysAddr | null {
    const size = PAGE_SIZE * count
    const base = findTopDown(this.freeRanges, size, PAGE_SIZE)
    if (base === null) return null
    removeRange(this.freeRanges, base, base + size)
    this.allocatedPages += count
    return phys(base)
  }

  freePages(): number {
    return this.totalPages - this.allocatedPages
  }
}
