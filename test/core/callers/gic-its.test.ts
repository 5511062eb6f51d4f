/*
 * The GICv3 ITS tables at init_IRQ() (src/core/callers/gic-its.ts), against
 * drivers/irqchip/irq-gic-v3-its.c: its_probe_one() allocates the command queue, then
 * its_alloc_tables() the device and collection tables; its_init() → allocate_lpi_tables()
 * the LPI property table and one pending table per possible CPU. In a realm each comes from
 * its_alloc_pages_node(): buddy pages (so W1, after memblock_free_all(), one CPU online) shared
 * with set_memory_decrypted(); on failure it returns NULL and the ITS is given up (kernel
 * reference §1 step 14, §6, §7). The model sizes each table 64 KiB (order 4), the range of the
 * original report.
 */
import { describe, expect, it } from 'vitest'
import { bootNamed } from '../../helpers/boot'

const KiB64 = 0x1_0000

describe('ITS tables in a realm', () => {
  it('four tables plus one pending table per CPU, in the driver\'s order, each 64 KiB, naturally aligned, in W1 on CPU0', async () => {
    const r = await bootNamed('realm', 'series') // 4 CPUs
    const its = r.calls.filter((c) => c.fn === 'its_alloc_pages_node')
    expect(its.map((c) => c.caller)).toEqual([
      'GIC ITS command queue',
      'GIC ITS device table',
      'GIC ITS collection table',
      'GIC ITS LPI property table',
      'GIC ITS CPU0 pending table',
      'GIC ITS CPU1 pending table',
      'GIC ITS CPU2 pending table',
      'GIC ITS CPU3 pending table',
    ])
    for (const c of its) {
      expect(c).toMatchObject({ window: 'W1', cpu: 0, size: KiB64, outcome: 'ok', ret: 0 })
      expect(c.pa % KiB64).toBe(0)
      // Inside RAM [1 GiB, 5 GiB), above the swiotlb pool (which ends under 4 GiB).
      expect(c.pa).toBeGreaterThanOrEqual(0x1_0000_0000)
      expect(c.pa + c.size).toBeLessThanOrEqual(0x1_4000_0000)
    }
    // Distinct blocks, each below the one before (the model's buddy allocator takes from the top).
    expect(its.every((c, i) => i === 0 || c.pa + c.size <= its[i - 1].pa)).toBe(true)
    expect(r.console.map((l) => l.text)).toContain('ITS@0x0000000008080000: allocated 8 tables, LPIs enabled')
  })

  it('unpatched: the first table fails to be shared (-EINVAL), the ITS allocates nothing more', async () => {
    const r = await bootNamed('realm', 'unpatched')
    const its = r.calls.filter((c) => c.fn === 'its_alloc_pages_node')
    expect(its.map((c) => [c.caller, c.ret])).toEqual([['GIC ITS command queue', -22]])
    expect(r.console.map((l) => l.text)).toContain('ITS: No ITS available, not enabling LPIs')
  })

  it('a host shares nothing: set_memory_decrypted() is a no-op without realm crypt ops (0), the record says skipped', async () => {
    const r = await bootNamed('host', 'series')
    const its = r.calls.filter((c) => c.fn === 'its_alloc_pages_node')
    expect(its).toHaveLength(8)
    expect(its.every((c) => c.outcome === 'skipped' && c.ret === 0)).toBe(true)
  })
})
