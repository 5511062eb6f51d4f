/*
 * The invariant between a realm's page tables and its RIPAS: a valid leaf with
 * PROT_NS_SHARED must cover only memory the realm gave up (RIPAS EMPTY). A
 * shared block over private memory (e.g. a whole 2 MiB block made shared to
 * share 64 KiB of it) sends every access to that block's private data through
 * the host-visible alias: realm memory exposed. Checked after every decrypt and
 * at the end of the boot; each exposed range is reported once.
 */
import type { Kernel } from '../boot/kernel'
import { alignDown, alignUp, formatSize, formatVirt, PUD_SIZE, virt, virtToPhys } from '../memory/addr'
import { sharedValidExtents } from './linear-map'

export function checkRealmExposure(k: Kernel, changed?: { va: number; size: number }): void {
  if (!k.realm.detected) return
  // A leaf is at most 1 GiB: around a changed range, whole leaves lie within the 1 GiB-aligned span.
  const span = changed && { start: alignDown(changed.va, PUD_SIZE), end: alignUp(changed.va + changed.size, PUD_SIZE) }
  for (const e of sharedValidExtents(k, span)) {
    const pa = virtToPhys(k.layout, virt(e.va))
    const emptyBytes = k.realm.sharedBytes(pa, pa + e.size)
    if (emptyBytes === e.size) continue
    const key = `${e.va}:${e.size}`
    if (k.reportedOnce.has(key)) continue
    k.reportedOnce.add(key)
    k.fault({
      kind: 'realm-memory-exposed',
      message: `${e.leaf} leaf at ${formatVirt(virt(e.va))} (${formatSize(e.size)}) is mapped shared, but ${formatSize(e.size - emptyBytes)} of it was never given up by the realm: its private data is reached through the host-visible alias`,
      va: e.va,
    })
  }
}
