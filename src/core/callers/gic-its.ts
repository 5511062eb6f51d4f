/*
 * The GICv3 ITS at init_IRQ() (drivers/irqchip/irq-gic-v3-its.c).
 *
 * In a realm every ITS table must be shared with the host (the host emulates
 * the ITS and reads them), so its_alloc_pages_node() calls
 * set_memory_decrypted() on each allocation; on failure it returns NULL and
 * leaks the page on purpose (verified in the patch text of "irqchip/gic-v3-its:
 * Share ITS tables with a non-trusted hypervisor"). The order is the file's:
 * its_probe_one() allocates the command queue and, through its_alloc_tables(),
 * the device and collection tables; then its_init() → allocate_lpi_tables()
 * allocates the LPI property table and one pending table per possible CPU.
 * Sizes are simplified to 64 KiB each (the reported WARN covered exactly 64 KiB).
 */
import { allocPages } from '../buddy/alloc'
import type { Kernel } from '../kernel/kernel'
import { PAGE_SIZE, type PhysAddr } from '../memory/addr'
import { decryptFor } from './decrypt'
import type { ItsState } from '../kernel/caller-state'

const ITS = 'drivers/irqchip/irq-gic-v3-its.c'
const GIC = 'drivers/irqchip/irq-gic-v3.c'
const ITS_TABLE_ORDER = 4

/** its_alloc_pages_node(): buddy pages, shared with the host in a realm; null on failure (page leaked). */
function itsAllocPages(k: Kernel, name: string): PhysAddr | null {
  let pa: PhysAddr | null = null
  k.frame('its_alloc_pages_node', ITS, () => {
    const page = allocPages(k, ITS_TABLE_ORDER, `ITS ${name}`)
    if (page === null) return
    const size = PAGE_SIZE << ITS_TABLE_ORDER
    const { ret } = decryptFor(k, `GIC ITS ${name}`, 'its_alloc_pages_node', page, size)
    if (ret === 0) pa = page
  })
  return pa
}

/** The ITS tables in allocation order, each with the call chain from its_init() that allocates it. */
function itsTables(k: Kernel): { name: string; chain: [string, string][] }[] {
  const probe: [string, string][] = [['its_of_probe', ITS], ['its_probe_one', ITS]]
  const lpi: [string, string][] = [['allocate_lpi_tables', ITS]]
  return [
    { name: 'command queue', chain: probe },
    { name: 'device table', chain: [...probe, ['its_alloc_tables', ITS], ['its_setup_baser', ITS]] },
    { name: 'collection table', chain: [...probe, ['its_alloc_tables', ITS], ['its_setup_baser', ITS]] },
    { name: 'LPI property table', chain: [...lpi, ['its_setup_lpi_prop_table', ITS], ['its_allocate_prop_table', ITS]] },
    ...k.cpus.map((c) => ({ name: `CPU${c.id} pending table`, chain: [...lpi, ['its_allocate_pending_table', ITS]] as [string, string][] })),
  ]
}

function under(k: Kernel, chain: [string, string][], body: () => void): void {
  if (!chain.length) return body()
  k.frame(chain[0][0], chain[0][1], () => under(k, chain.slice(1), body))
}

export function itsInit(k: Kernel): void {
  k.pr('info', 'GICv3: 256 SPIs implemented')
  k.pr('info', 'GICv3: GICv3 features: 16 PPIs, DirectLPI')
  const its: ItsState = { ok: true, tables: [] }
  k.its = its
  under(k, [['irqchip_init', 'drivers/irqchip/irqchip.c'], ['of_irq_init', 'drivers/of/irq.c'], ['gic_of_init', GIC], ['gic_init_bases', GIC], ['its_init', ITS]], () => {
    for (const { name, chain } of itsTables(k)) {
      if (k.halted) return
      let pa: PhysAddr | null = null
      under(k, chain, () => {
        pa = itsAllocPages(k, name)
      })
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
  })
}

/** its_create_device() → the per-device ITT (itt_alloc_pool): at least one page, shared in a realm. */
export function itsAllocItt(k: Kernel, device: string): boolean {
  const its = k.its
  if (!its?.ok) return false
  let ok = false
  k.frame('its_create_device', ITS, () =>
    k.frame('itt_alloc_pool', ITS, () => {
      const page = allocPages(k, 0, `ITT ${device}`)
      if (page === null) return
      ok = decryptFor(k, `GIC ITS ITT (${device})`, 'itt_alloc_pool', page, PAGE_SIZE).ret === 0
    }),
  )
  return ok
}
