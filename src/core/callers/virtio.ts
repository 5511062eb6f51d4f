/*
 * The late users of shared buffers in a realm: virtio devices behind PCI.
 *
 * At device probe (a device initcall, W3) each device asks the ITS for MSI-X,
 * which allocates its ITT; without it virtio-pci falls back to INTx (unverified).
 * ip_auto_config() opens the virtio NIC, whose receive ring is filled with
 * DMA-mapped buffers: in a realm each one bounces through swiotlb. That is the
 * first bounce of the 2/3 crash log, whose call chain the model reproduces
 * (dev_change_flags → __dev_open → virtnet_open → try_fill_recv → ... →
 * swiotlb_map → swiotlb_tbl_map_single → swiotlb_bounce → memcpy). Mounting a
 * root disk then reads through the pool as well.
 */
import type { Kernel } from '../kernel/kernel'
import { itsAllocItt } from './gic-its'
import { bounce } from './swiotlb'

const RX_RING = 256
const RX_BUFFER = 1536

export function probeVirtioDevices(k: Kernel): void {
  const devices = [...(k.scenario.network ? ['virtio-net'] : []), ...(k.scenario.root === 'virtio-blk' ? ['virtio-blk'] : [])]
  devices.forEach((dev, i) => {
    if (k.halted) return
    const bdf = `0000:00:0${i + 1}.0`
    k.pr('info', `virtio-pci ${bdf}: enabling device (0000 -> 0003)`)
    const msi = itsAllocItt(k, dev)
    if (!msi) {
      k.pr('warn', `virtio-pci ${bdf}: MSI-X unavailable, using INTx`)
      k.assume('Without an ITS (or its ITT) virtio-pci falls back to INTx and keeps working (unverified).')
    }
  })
}

/** Run `body` under native frames `chain` (outermost first), as a driver path's call chain. */
function nested(k: Kernel, chain: readonly (readonly [string, string])[], body: () => void): void {
  if (!chain.length) return body()
  const [[fn, file], ...rest] = chain
  k.frame(fn, file, () => nested(k, rest, body))
}

const NET = 'net/core/dev.c'
const VIRTIO_NET = 'drivers/net/virtio_net.c'
const VIRTIO_RING = 'drivers/virtio/virtio_ring.c'
/** ip_auto_config() opening eth0 down to the DMA mapping of an rx buffer, as the 2/3 crash log's trace shows it. */
const OPEN_TO_DMA_MAP = [
  ['dev_change_flags', 'net/core/dev_api.c'],
  ['netif_change_flags', NET],
  ['__dev_change_flags', NET],
  ['__dev_open', NET],
  ['virtnet_open', VIRTIO_NET],
  ['try_fill_recv', VIRTIO_NET],
  ['virtnet_rq_alloc', VIRTIO_NET],
  ['virtqueue_map_single_attrs', VIRTIO_RING],
  ['virtqueue_map_page_attrs', VIRTIO_RING],
  ['dma_map_page_attrs', 'kernel/dma/mapping.c'],
  ['dma_map_phys', 'kernel/dma/mapping.c'],
  ['swiotlb_map', 'kernel/dma/swiotlb.c'],
] as const

export function ipAutoConfig(k: Kernel): void {
  if (!k.scenario.network) return
  let ok = true
  nested(k, OPEN_TO_DMA_MAP, () => {
    ok = bounce(k, 'virtio-net', RX_RING, RX_BUFFER)
  })
  if (k.halted) return
  if (ok) {
    k.pr('info', 'IP-Config: Complete:')
    k.pr('info', '     device=eth0, hwaddr=52:54:00:12:34:56, ipaddr=10.0.2.15, mask=255.255.255.0, gw=10.0.2.2')
  } else {
    k.pr('err', 'IP-Config: Auto-configuration of network failed')
    k.assume('Packets bounced through a pool the host cannot read are lost, so DHCP times out (unverified).')
  }
}

export function mountRoot(k: Kernel): void {
  if (k.scenario.root !== 'virtio-blk') {
    k.pr('info', 'Freeing initrd memory: 8192K')
    return
  }
  let ok = true
  k.frame('mount_root', 'init/do_mounts.c', () =>
    k.frame('submit_bio', 'block/blk-core.c', () =>
      k.frame('virtio_queue_rq', 'drivers/block/virtio_blk.c', () => {
        ok = bounce(k, 'virtio-blk', 64, 4096)
      }),
    ),
  )
  if (k.halted) return
  if (ok) {
    k.pr('info', 'EXT4-fs (vda): mounted filesystem ro with ordered data mode. Quota mode: none.')
    k.pr('info', 'VFS: Mounted root (ext4 filesystem) readonly on device 254:0.')
    return
  }
  k.assume('A disk read bounced through a pool the host cannot see returns garbage, so the root filesystem cannot be mounted (unverified).')
  k.pr('err', 'VFS: Cannot open root device "/dev/vda" or unknown-block(254,0): error -5')
  k.panic('VFS: Unable to mount root fs on unknown-block(254,0)')
}
