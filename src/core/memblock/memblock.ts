/*
 * memblock: the early boot allocator (mm/memblock.c).
 *
 * It knows the RAM regions (`memory`) and what is taken (`reserved`), and
 * allocates top-down by default, which is why the first early allocations
 * (page-table pages of map_mem, then the swiotlb pool) sit just below the end of
 * RAM and why the pool's edges rarely fall on 2 MiB boundaries. At
 * memblock_free_all() everything not reserved goes to the buddy allocator; after
 * that memblock owns nothing and an allocation from it is a modelled fault
 * (the kernel only guards the later slab-available case with a WARN).
 */
import { type PhysAddr, phys } from '../memory/addr'
import { addRange, findFreeTopDown, type Range, subtractRanges } from '../memory/ranges'

export interface MemblockReservation extends Range {
  name: string
}

export class Memblock {
  readonly memory: Range[] = []
  readonly reserved: Range[] = []
  /** Named reservations, in the order they were made (for the console and the map). */
  readonly reservations: MemblockReservation[] = []
  /** Set by memblock_free_all(): from then on the buddy allocator owns free memory. */
  handedOver = false

  addMemory(base: number, size: number): void {
    addRange(this.memory, base, base + size)
  }

  reserve(base: number, size: number, name: string): void {
    addRange(this.reserved, base, base + size)
    this.reservations.push({ start: base, end: base + size, name })
  }

  free(): Range[] {
    return subtractRanges(this.memory, this.reserved)
  }

  /** memblock_alloc(): top-down, aligned, below `limit` (memblock_alloc_low()); null when nothing fits. The caller checks handedOver. */
  alloc(size: number, align: number, name: string, limit?: number): PhysAddr | null {
    const base = findFreeTopDown(this.memory, this.reserved, size, align, limit)
    if (base === null) return null
    this.reserve(base, size, name)
    return phys(base)
  }

  start(): PhysAddr {
    return phys(this.memory[0].start)
  }

  end(): PhysAddr {
    return phys(this.memory[this.memory.length - 1].end)
  }
}
