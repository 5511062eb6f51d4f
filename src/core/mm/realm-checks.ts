/*
 * The invariant between a realm's page tables and its RIPAS: a valid leaf with
 * PROT_NS_SHARED must cover only memory the realm gave up (RIPAS EMPTY). A
 * shared block over private memory (e.g. a whole 2 MiB block made shared to
 * share 64 KiB of it) sends every access to that block's private data through
 * the host-visible alias: realm memory exposed. Checked after every decrypt
 * (over the leaves it changed) and at the end of the boot (over the whole
 * linear map); each exposed range is reported once.
 */
import type { Kernel } from '../kernel/kernel'
import { formatSize, formatVirt, LINEAR_MAP_SIZE, PAGE_SIZE, type VirtAddr, virt, virtToPhys } from '../memory/addr'
import { leafAt } from '../pgtable'
import { sharedValidExtents } from './linear-map'

/**
 * The whole leaves mapping [va, va+size): a decrypt changes attributes there and RIPAS
 * only there, so nothing else can have become exposed by it. Costs one walk per end, not
 * a visit of every leaf of the surrounding GiB (thousands after thousands of decrypts).
 */
function leavesOf(k: Kernel, changed: { va: VirtAddr; size: number }): { start: number; end: number } {
  const first = leafAt(k.pt, changed.va)
  const lastVa = Math.min(changed.va + changed.size, LINEAR_MAP_SIZE) - 1
  const last = leafAt(k.pt, virt(lastVa))
  return {
    start: first ? first.va : changed.va - (changed.va % PAGE_SIZE),
    end: last ? last.va + last.size : lastVa - (lastVa % PAGE_SIZE) + PAGE_SIZE,
  }
}

export function checkRealmExposure(k: Kernel, changed?: { va: VirtAddr; size: number }): void {
  if (!k.realm.detected) return
  if (changed && (changed.size <= 0 || changed.va < 0 || changed.va >= LINEAR_MAP_SIZE)) return
  for (const e of sharedValidExtents(k, changed && leavesOf(k, changed))) {
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
