/*
 * memblock_alloc() and memblock_phys_alloc() as the boot calls them (mm/memblock.c), with the
 * gate the model adds: memblock owns memory only until memblock_free_all() hands it to the
 * buddy allocator (mm/mm_init.c mm_core_init()). After that the kernel guards only the
 * slab-available case (a WARN in memblock_alloc_internal() and a fallback); earlier it would
 * hand out pages the buddy allocator also owns. The model stops the boot there, and says so.
 * A real boot makes a few dozen reservations; a policy allocating in a loop meets a budget.
 */
import type { Kernel } from '../kernel/kernel'
import { num, type NativeRow } from '../kernel/native-row'
import { PAGE_SIZE, type PhysAddr } from '../memory/addr'

/** Separate memblock reservations a boot may make (a real one makes a few dozen). */
export const MAX_MEMBLOCK_RESERVED = 4096

/** memblock_alloc(): only before memblock_free_all(); afterwards a modelled fault. */
export function memblockAlloc(k: Kernel, size: number, align: number, name: string, limit?: number): PhysAddr | null {
  if (k.memblock.handedOver) {
    k.fault({
      kind: 'memblock-after-handover',
      message: `memblock allocation of ${size} bytes for ${name} after memblock_free_all(): that memory belongs to the buddy allocator now`,
      assumption: 'The kernel only guards the later slab-available case (WARN in memblock_alloc_internal); earlier, memblock would hand out pages the buddy allocator also owns. The model stops the boot.',
    })
    k.panic(`memblock allocation for ${name} after memblock_free_all()`)
  }
  if (k.memblock.reserved.length >= MAX_MEMBLOCK_RESERVED) {
    throw k.interp.error(`memblock holds ${MAX_MEMBLOCK_RESERVED} separate reservations: does a loop allocate without end?`, 'budget')
  }
  return k.memblock.alloc(size, align, name, limit)
}

export const MEMBLOCK_NATIVES: NativeRow[] = [
  {
    name: 'memblock_phys_alloc',
    arity: 2,
    file: 'mm/memblock.c',
    doc: 'memblock_phys_alloc(size, align): early memory, top-down (0 on failure). After memblock_free_all() memblock owns nothing: a modelled fault.',
    impl: (k, _ctx, [size, align]) => {
      const pa = memblockAlloc(k, num(size), num(align) || PAGE_SIZE, 'memblock_phys_alloc')
      k.lastPgtableSource = 'memblock'
      return BigInt(pa ?? 0)
    },
  },
]
