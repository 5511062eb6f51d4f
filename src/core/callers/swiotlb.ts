/*
 * SWIOTLB, the DMA bounce pool (kernel/dma/swiotlb.c).
 *
 * swiotlb_init() carves the default pool from memblock_alloc_low(), below
 * ARCH_LOW_ADDRESS_LIMIT (arm64_dma_phys_limit - 1, mm/zones.ts); in a realm arm64 forces
 * it (SWIOTLB_FORCE), because devices can only reach memory shared with the
 * host. swiotlb_update_mem_attributes() shares ("decrypts") the whole pool and
 * ignores the return value, so a failed share is only noticed when the first
 * bounce copies into the pool. Slots are 2 KiB and are handed out from the
 * start of area 0, so the first mappings touch the first bytes of the pool.
 */
import { memblockAlloc } from '../memblock/alloc'
import type { Kernel } from '../kernel/kernel'
import { bool, type NativeRow, truth } from '../kernel/native-row'
import { PAGE_SIZE, physToVirt, phys } from '../memory/addr'
import { accessLinearMap } from '../mm/access'
import { archLowAddressLimit } from '../mm/zones'
import { decryptFor } from './decrypt'

const SWIOTLB = 'kernel/dma/swiotlb.c'
export const IO_TLB_SIZE = 2048
export const SWIOTLB_VERBOSE = 1n << 0n
export const SWIOTLB_FORCE = 1n << 1n

function swiotlbInit(k: Kernel, addressingLimit: boolean, flags: bigint): void {
  const forced = (flags & SWIOTLB_FORCE) !== 0n
  if (!addressingLimit && !forced) return
  const size = k.scenario.cmdline.swiotlb
  // swiotlb_memblock_alloc(): memblock_alloc_low() without SWIOTLB_ANY, i.e. below ARCH_LOW_ADDRESS_LIMIT.
  const pa = memblockAlloc(k, size, PAGE_SIZE, 'swiotlb', archLowAddressLimit(k.zones))
  if (pa === null) {
    k.pr('warn', 'software IO TLB: Cannot allocate buffer')
    return
  }
  k.swiotlb = { pa, size, forced, used: 0, announced: false }
  const end = pa + size
  k.pr('info', `software IO TLB: area num ${Math.min(k.cpus.length, 64)}.`)
  // swiotlb_print_info(): "mapped [mem %pa-%pa] (%luMB)".
  k.pr('info', `software IO TLB: mapped [mem 0x${pa.toString(16).padStart(16, '0')}-0x${end.toString(16).padStart(16, '0')}] (${Math.floor(size / 2 ** 20)}MB)`)
}

/**
 * swiotlb_tbl_map_single() for `buffers` buffers of `bytes` each: take slots and
 * bounce (copy) into them. Returns false when the copy could not reach the device.
 */
export function bounce(k: Kernel, device: string, buffers: number, bytes: number): boolean {
  const pool = k.swiotlb
  if (!pool || !pool.forced) return true
  if (!pool.announced) {
    k.pr('info', 'software IO TLB: Memory encryption is active and system is using DMA bounce buffers')
    pool.announced = true
  }
  const slots = Math.ceil(bytes / IO_TLB_SIZE) * buffers
  const start = pool.used
  pool.used = Math.min(pool.size, pool.used + slots * IO_TLB_SIZE)
  const va = physToVirt(k.layout, phys(pool.pa + start))
  let reached = true
  k.frame('swiotlb_tbl_map_single', SWIOTLB, () =>
    k.frame('swiotlb_bounce', SWIOTLB, () =>
      k.frame('__pi_memcpy_generic', 'arch/arm64/lib/memcpy.S', () => {
        reached = accessLinearMap(k, va, pool.used - start, { device })
      }),
    ),
  )
  return reached
}

export const SWIOTLB_NATIVES: NativeRow[] = [
  {
    name: 'swiotlb_init',
    arity: 2,
    file: SWIOTLB,
    doc: 'swiotlb_init(addressing_limit, flags): carve the default bounce pool from memblock (SWIOTLB_FORCE in a realm).',
    impl: (k, _ctx, [limit, flags]) => swiotlbInit(k, truth(limit), (flags as bigint) ?? 0n),
  },
  {
    name: 'swiotlb_update_mem_attributes',
    arity: 0,
    file: SWIOTLB,
    doc: 'Share the whole default pool with the host: set_memory_decrypted(pool, pages). Ignores the return value.',
    impl: (k) => {
      const pool = k.swiotlb
      if (!pool) return
      decryptFor(k, 'swiotlb default pool', 'swiotlb_update_mem_attributes', pool.pa, pool.size)
    },
  },
  {
    name: 'swiotlb_size_or_default',
    arity: 0,
    file: SWIOTLB,
    doc: 'The default pool size (swiotlb= on the command line, 64 MiB otherwise).',
    impl: (k) => BigInt(k.scenario.cmdline.swiotlb),
  },
  {
    name: 'is_swiotlb_force_bounce',
    arity: 0,
    file: SWIOTLB,
    doc: 'All DMA bounces through the pool (SWIOTLB_FORCE, e.g. in a realm).',
    impl: (k) => bool(!!k.swiotlb?.forced),
  },
]
