/*
 * DMA atomic pools (kernel/dma/pool.c, dma_atomic_pool_init: a postcore
 * initcall, so W3). Each pool is buddy pages decrypted for the host in a realm:
 * 128 KiB per GiB of RAM, at least 128 KiB, at most one MAX_PAGE_ORDER block
 * (4 MiB). atomic_pool_expand() shares the pages with set_memory_decrypted()
 * (kernel/dma/pool.c atomic_pool_expand()).
 */
import type { Kernel } from '../boot/kernel'
import { PAGE_SIZE, SZ_1G } from '../memory/addr'
import { decryptFor } from './decrypt'

const MAX_PAGE_ORDER = 10

export function atomicPoolSize(ramBytes: number): number {
  const perGiB = (ramBytes / SZ_1G) * 128 * 1024
  return Math.min(Math.max(perGiB, 128 * 1024), PAGE_SIZE << MAX_PAGE_ORDER)
}

export function dmaAtomicPoolInit(k: Kernel): void {
  const ram = k.memblock.memory.reduce((n, r) => n + r.end - r.start, 0)
  const size = atomicPoolSize(ram)
  const order = Math.ceil(Math.log2(size / PAGE_SIZE))
  const pools = k.memblock.start() < 4 * SZ_1G ? ['GFP_KERNEL', 'GFP_KERNEL|GFP_DMA32'] : ['GFP_KERNEL']
  for (const gfp of pools) {
    k.frame('__dma_atomic_pool_init', 'kernel/dma/pool.c', () =>
      k.frame('atomic_pool_expand', 'kernel/dma/pool.c', () => {
        const pa = k.allocPages(order, `atomic pool ${gfp}`)
        const ok = pa !== null && decryptFor(k, `DMA atomic pool (${gfp})`, 'atomic_pool_expand', pa, size).ret === 0
        k.pr(ok ? 'info' : 'err', ok
          ? `DMA: preallocated ${size / 1024} KiB ${gfp} pool for atomic allocations`
          : `DMA: failed to allocate ${size / 1024} KiB ${gfp} pool for atomic allocation`)
      }),
    )
  }
}
