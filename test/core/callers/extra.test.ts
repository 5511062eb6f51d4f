/*
 * Scenario-added set_memory_decrypted() callers (src/core/callers/extra.ts), one at each place
 * a scenario may put one, under the merged fix (kernel reference §1 windows, §4):
 * - after arch_mm_preinit(): W0, memblock the only allocator; the fix's
 *   WARN_ON(!page_alloc_available) refuses the split: -EBUSY (-16);
 * - an early_initcall: W1, one CPU, buddy pages: split and shared (0);
 * - a CPU-online callback of CPU 2: W2, two CPUs online: WARN_ON(num_online_cpus() > 1), -EBUSY;
 * - a device initcall: W3, caps final with BBML2_NOABORT everywhere: split and shared (0).
 * A buddy request rounds 96 KiB up to an order-5 block (128 KiB); the record keeps 96 KiB.
 */
import { describe, expect, it } from 'vitest'
import type { ScenarioInput } from '../../../src/core'
import { bootWith } from '../../helpers/boot'

const scenario: ScenarioInput = {
  name: 'realm-extra',
  kernel: '7.0.0-rc4',
  machine: { ram: [{ base: 0x4000_0000, size: '4G' }], cpus: [{ model: 'neoverse-v3', revision: 'r0p2', count: 4 }], kernelImage: { base: 0x4020_0000, size: '24M' } },
  realm: true,
  extraCallers: [
    { name: 'share_w0', at: 'arch_mm_preinit', size: '96K' },
    { name: 'share_w1', at: 'early_initcall', size: '96K' },
    { name: 'share_w2', at: 'cpu_online', cpu: 2, size: '96K' },
    { name: 'share_w3', at: 'device_initcall', size: '96K', hypothetical: false },
  ],
}

describe('extra callers at each place', () => {
  it('window, CPU and result as the fix decides them', async () => {
    const r = await bootWith(scenario, '/* Builds on: series */\n')
    const rec = (name: string) => r.calls.find((c) => c.caller === name)!
    expect(rec('share_w0')).toMatchObject({ window: 'W0', cpu: 0, size: 0x1_8000, ret: -16, errno: 'EBUSY' })
    expect(rec('share_w1')).toMatchObject({ window: 'W1', cpu: 0, size: 0x1_8000, ret: 0, outcome: 'ok' })
    expect(rec('share_w2')).toMatchObject({ window: 'W2', cpu: 2, size: 0x1_8000, ret: -16, errno: 'EBUSY' })
    expect(rec('share_w3')).toMatchObject({ window: 'W3', size: 0x1_8000, ret: 0, outcome: 'ok' })
    // memblock: page aligned; the buddy allocator: a naturally aligned 128 KiB block.
    expect(rec('share_w0').pa % 0x1000).toBe(0)
    for (const n of ['share_w1', 'share_w2', 'share_w3']) expect(rec(n).pa % 0x2_0000, n).toBe(0)
    // Hypothetical unless the scenario says otherwise.
    expect([rec('share_w0').assumption, rec('share_w3').assumption]).toEqual([true, false])
  })
})
