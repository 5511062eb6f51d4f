/*
 * arm64 memory zones and the DMA limit (arch/arm64/mm/init.c zone_sizes_init(),
 * max_zone_phys(); arch/arm64/include/asm/processor.h ARCH_LOW_ADDRESS_LIMIT).
 *
 * max_zone_phys(limit) keeps ZONE_DMA in the low 4 GiB when RAM starts there
 * ("some devices rely on DMA zone in low 32-bit memory") and otherwise lets it
 * reach the end of RAM. A virt machine's device tree has no dma-ranges, so
 * zone_dma_limit is unbounded and arm64_dma_phys_limit = max_zone_phys(∞);
 * ZONE_DMA32 ends at max_zone_phys(4 GiB). ARCH_LOW_ADDRESS_LIMIT is
 * arm64_dma_phys_limit - 1: memblock_alloc_low() allocates below it.
 * The model has no ACPI IORT or dma-ranges limits.
 */
import type { Scenario } from '../scenario/schema'

const U32 = 2 ** 32

export interface Zones {
  ramStart: number
  ramEnd: number
  /** arm64_dma_phys_limit: the end of ZONE_DMA. */
  dmaPhysLimit: number
  /** dma32_phys_limit: the end of ZONE_DMA32 (empty when not above ZONE_DMA's). */
  dma32PhysLimit: number
}

function maxZonePhys(ramStart: number, ramEnd: number, zoneLimit: number): number {
  const limit = ramStart < U32 - 1 ? Math.min(zoneLimit, U32) : zoneLimit
  return Math.min(limit, ramEnd)
}

export function zonesOf(s: Scenario): Zones {
  const ramStart = Math.min(...s.machine.ram.map((r) => r.base))
  const ramEnd = Math.max(...s.machine.ram.map((r) => r.base + r.size))
  return {
    ramStart,
    ramEnd,
    dmaPhysLimit: maxZonePhys(ramStart, ramEnd, Number.POSITIVE_INFINITY),
    dma32PhysLimit: maxZonePhys(ramStart, ramEnd, U32),
  }
}

/** ARCH_LOW_ADDRESS_LIMIT as an exclusive end for memblock: arm64_dma_phys_limit - 1. */
export const archLowAddressLimit = (z: Zones) => z.dmaPhysLimit - 1

const mem = (a: number, b: number) => `[mem 0x${a.toString(16).padStart(16, '0')}-0x${(b - 1).toString(16).padStart(16, '0')}]`

/** mm/mm_init.c's "Zone ranges:" lines for DMA, DMA32 and Normal. */
export function zoneRangeLines(z: Zones): string[] {
  const dma32End = Math.max(z.dmaPhysLimit, z.dma32PhysLimit)
  return [
    'Zone ranges:',
    `  DMA      ${mem(z.ramStart, z.dmaPhysLimit)}`,
    `  DMA32    ${dma32End > z.dmaPhysLimit ? mem(z.dmaPhysLimit, dma32End) : 'empty'}`,
    `  Normal   ${z.ramEnd > dma32End ? mem(dma32End, z.ramEnd) : 'empty'}`,
  ]
}
