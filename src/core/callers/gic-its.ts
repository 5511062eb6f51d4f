/*
 * The GICv3 ITS at init_IRQ() (drivers/irqchip/irq-gic-v3-its.c).
 *
 * In a realm every ITS table must be shared with the host (the host emulates
 * the ITS and reads them), so its_alloc_pages_node() calls
 * set_memory_decrypted() on each allocation. On failure it returns NULL and
 * leaks the page on purpose, and ITS probing fails. Which tables are allocated
 * at init_IRQ and their exact call chain are unverified (kernel reference §7,
 * §10): the model allocates the command queue, the device and collection
 * tables, the LPI property table and one pending table per CPU, 64 KiB each,
 * inside W1 (page allocator up, one CPU, caps not final).
 */
import type { Kernel } from '../boot/kernel'
import { PAGE_SIZE } from '../memory/addr'
import { decryptFor } from './decrypt'

const ITS = 'drivers/irqchip/irq-gic-v3-its.c'
const ITS_TABLE_ORDER = 4
const ITS_TABLES_UNVERIFIED = 'Which GIC ITS tables are allocated at init_IRQ(), their sizes and their exact call chain are unverified (kernel reference §7, §10).' // 64 KiB (GITS_BASER page size, LPI_PROPBASE_SZ / LPI_PENDBASE_SZ)

export interface ItsState {
  ok: boolean
  tables: { name: string; pa: number; size: number }[]
}

/** its_alloc_pages_node(): buddy pages, shared with the host in a realm; null on failure (page leaked). */
function itsAllocPages(k: Kernel, name: string): number | null {
  let pa: number | null = null
  k.frame('its_alloc_pages_node', ITS, () => {
    const page = k.allocPages(ITS_TABLE_ORDER, `ITS ${name}`)
    if (page === null) return
    const size = PAGE_SIZE << ITS_TABLE_ORDER
    const { ret } = decryptFor(k, `GIC ITS ${name}`, 'its_alloc_pages_node', page, size, { assumption: ITS_TABLES_UNVERIFIED })
    if (ret === 0) pa = page
  })
  return pa
}

export function itsInit(k: Kernel): void {
  k.pr('info', 'GICv3: 256 SPIs implemented')
  k.pr('info', 'GICv3: GICv3 features: 16 PPIs, DirectLPI')
  const its: ItsState = { ok: true, tables: [] }
  k.its = its
  const tables = ['command queue', 'device table', 'collection table', 'LPI property table', ...k.cpus.map((c) => `CPU${c.id} pending table`)]
  k.frame('gic_init_bases', 'drivers/irqchip/irq-gic-v3.c', () =>
    k.frame('its_init', ITS, () => {
      for (const name of tables) {
        const pa = itsAllocPages(k, name)
        if (pa === null) {
          its.ok = false
          k.pr('err', `ITS@0x0000000008080000: failed to allocate the ${name} (-ENOMEM)`)
          k.pr('warn', 'ITS: No ITS available, not enabling LPIs')
          k.assume('A failed ITS table allocation makes the ITS unavailable; PCI devices then fall back to INTx (messages and consequence unverified).')
          return
        }
        its.tables.push({ name, pa, size: PAGE_SIZE << ITS_TABLE_ORDER })
      }
      k.pr('info', `ITS@0x0000000008080000: allocated ${its.tables.length} tables, LPIs enabled`)
    }),
  )
}

/** its_create_device() → the per-device ITT (itt_alloc_pool): at least one page, shared in a realm. */
export function itsAllocItt(k: Kernel, device: string): boolean {
  const its = k.its
  if (!its?.ok) return false
  let ok = false
  k.frame('its_create_device', ITS, () =>
    k.frame('itt_alloc_pool', ITS, () => {
      const page = k.allocPages(0, `ITT ${device}`)
      if (page === null) return
      ok = decryptFor(k, `GIC ITS ITT (${device})`, 'itt_alloc_pool', page, PAGE_SIZE).ret === 0
    }),
  )
  return ok
}
