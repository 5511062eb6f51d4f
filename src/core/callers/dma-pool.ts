/*
 * DMA atomic pools (kernel/dma/pool.c dma_atomic_pool_init(), a postcore
 * initcall, so W3). Unless coherent_pool= is given, each pool is
 * totalram_pages() / (SZ_1G / SZ_128K) pages (128 KiB per GiB of RAM the buddy
 * allocator manages), at most MAX_ORDER_NR_PAGES, at least 128 KiB. One pool
 * per zone arm64 can ask for: GFP_KERNEL; GFP_KERNEL|GFP_DMA when ZONE_DMA has
 * managed pages (has_managed_dma()); GFP_KERNEL|GFP_DMA32 (CONFIG_ZONE_DMA32),
 * which falls back to ZONE_DMA when ZONE_DMA32 is empty. atomic_pool_expand()
 * allocates each from its zone and shares it with set_memory_decrypted().
 */
import { allocPages } from '../buddy/alloc'
import type { Kernel } from '../kernel/kernel'
import { PAGE_SIZE } from '../memory/addr'
import { decryptFor } from './decrypt'

const MAX_PAGE_ORDER = 10
const SZ_128K = 128 * 1024

/** atomic_pool_size for `totalramPages` managed pages. */
export function atomicPoolSize(totalramPages: number): number {
  const pages = Math.min(Math.floor(totalramPages / (2 ** 30 / SZ_128K)), 2 ** MAX_PAGE_ORDER)
  return Math.max(pages * PAGE_SIZE, SZ_128K)
}

export function dmaAtomicPoolInit(k: Kernel): void {
  const size = atomicPoolSize(k.buddy?.totalPages ?? 0)
  // atomic_pool_expand(): order = min(get_order(pool_size), MAX_PAGE_ORDER); the pool is those 2^order pages,
  // shared whole, and the message prints gen_pool_size(): 125 pages for 4 GiB become 512 KiB.
  const order = Math.min(Math.ceil(Math.log2(size / PAGE_SIZE)), MAX_PAGE_ORDER)
  const poolBytes = PAGE_SIZE << order
  const z = k.zones
  const hasManagedDma = z.dmaPhysLimit > z.ramStart
  const pools: [string, number | undefined][] = [
    ['GFP_KERNEL', undefined],
    ...(hasManagedDma ? [['GFP_KERNEL|GFP_DMA', z.dmaPhysLimit] as [string, number]] : []),
    ['GFP_KERNEL|GFP_DMA32', Math.max(z.dmaPhysLimit, z.dma32PhysLimit)],
  ]
  for (const [gfp, zoneLimit] of pools) {
    if (k.halted) return
    k.frame('__dma_atomic_pool_init', 'kernel/dma/pool.c', () =>
      k.frame('atomic_pool_expand', 'kernel/dma/pool.c', () => {
        const pa = allocPages(k, order, `atomic pool ${gfp}`, zoneLimit)
        const ok = pa !== null && decryptFor(k, `DMA atomic pool (${gfp})`, 'atomic_pool_expand', pa, poolBytes).ret === 0
        k.pr(ok ? 'info' : 'err', ok
          ? `DMA: preallocated ${poolBytes / 1024} KiB ${gfp} pool for atomic allocations`
          : `DMA: failed to allocate ${size / 1024} KiB ${gfp} pool for atomic allocation`)
      }),
    )
  }
}
