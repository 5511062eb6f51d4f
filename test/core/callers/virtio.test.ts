/*
 * virtio devices at probe (src/core/callers/virtio.ts): each asks the ITS for MSI-X, whose
 * its_create_device() → itt_alloc_pool() takes at least one page and shares it in a realm
 * (device initcalls: W3; kernel reference §7 "ITS ITT (per device)"). The NIC is there when
 * the scenario has a network, the disk when the root is on virtio-blk.
 */
import { describe, expect, it } from 'vitest'
import type { ScenarioInput } from '../../../src/core'
import { bootNamed, bootWith } from '../../helpers/boot'

const realm = (extra: Partial<ScenarioInput>): ScenarioInput => ({
  name: 'realm-virtio',
  kernel: '7.0.0-rc4',
  machine: { ram: [{ base: 0x4000_0000, size: '4G' }], cpus: [{ model: 'neoverse-v3', revision: 'r0p2', count: 2 }], kernelImage: { base: 0x4020_0000, size: '24M' } },
  realm: true,
  ...extra,
})
const itts = (r: Awaited<ReturnType<typeof bootNamed>>) => r.calls.filter((c) => c.fn === 'itt_alloc_pool')

describe('ITTs of the virtio devices', () => {
  it('virtio-net then virtio-blk: one shared page each, in W3, after the ITS tables', async () => {
    const r = await bootNamed('realm', 'series')
    const t = itts(r)
    expect(t.map((c) => c.caller)).toEqual(['GIC ITS ITT (virtio-net)', 'GIC ITS ITT (virtio-blk)'])
    for (const c of t) {
      expect(c).toMatchObject({ window: 'W3', size: 4096, outcome: 'ok', ret: 0 })
      expect(c.pa % 4096).toBe(0)
    }
    const tables = r.calls.filter((c) => c.fn === 'its_alloc_pages_node')
    expect(r.calls.indexOf(t[0])).toBeGreaterThan(r.calls.indexOf(tables[tables.length - 1]))
  })

  it('no network and an initramfs root: no virtio device, no ITT', async () => {
    expect(itts(await bootWith(realm({ network: false, root: 'initramfs' }), '/* Builds on: series */\n'))).toEqual([])
  })

  it('only the disk without a network', async () => {
    expect(itts(await bootWith(realm({ network: false }), '/* Builds on: series */\n')).map((c) => c.caller)).toEqual(['GIC ITS ITT (virtio-blk)'])
  })
})
