/*
 * alloc_pages() and pagetable_alloc() (mm/page_alloc.c, include/linux/mm.h), and the hand-over
 * that creates the buddy allocator: memblock_free_all() in mm_core_init() (mm/mm_init.c). The
 * gate the model adds: before the hand-over there is no page allocator, and what the real one
 * does when called that early is undefined (most likely a NULL return or an early crash); the
 * model stops the boot and says so. A fresh page is zeroed through the linear map at once
 * (__GFP_ZERO, clear_page), so an allocation can fault like any kernel write.
 */
import type { Kernel } from '../kernel/kernel'
import type { NativeRow } from '../kernel/native-row'
import { PAGE_SIZE, type PhysAddr, physToVirt } from '../memory/addr'
import { Buddy } from './buddy'

/** alloc_pages(): only once the buddy allocator exists; before that a modelled fault. */
export function allocPages(k: Kernel, order: number, name: string, zoneLimit?: number): PhysAddr | null {
  if (!k.buddy) {
    k.fault({
      kind: 'pgtable-alloc-before-buddy',
      message: `page allocation (order ${order}) for ${name} before memblock_free_all(): the buddy allocator does not exist yet`,
      assumption: 'What the real page allocator does when called before mm_core_init() is undefined (most likely a NULL return or an early crash). The model stops the boot.',
    })
    k.panic(`page allocator used before it was initialised (${name})`)
  }
  const pa = k.buddy.allocPages(order, zoneLimit)
  if (pa !== null) k.frame('clear_page', 'arch/arm64/lib/clear_page.S', () => k.hooks.cpuWrite(k, physToVirt(k.layout, pa), PAGE_SIZE << order, `zeroing ${name}`))
  return pa
}

/** memblock_free_all(): what memblock did not reserve becomes the buddy allocator's. */
export function handOverToBuddy(k: Kernel): void {
  k.buddy = new Buddy(k.memblock.free())
  k.memblock.handedOver = true
  k.events.push({ kind: 'allocator', stage: 'buddy', step: k.currentStep() })
}

export const BUDDY_NATIVES: NativeRow[] = [
  {
    name: 'pagetable_alloc',
    arity: 1,
    file: 'include/linux/mm.h',
    doc: 'One page-table page from the buddy allocator (0 on failure). Before memblock_free_all() the buddy allocator does not exist: a modelled fault.',
    impl: (k) => {
      const pa = allocPages(k, 0, 'page table')
      k.lastPgtableSource = 'buddy'
      return BigInt(pa ?? 0)
    },
  },
]
