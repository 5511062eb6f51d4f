/*
 * One caller's set_memory_decrypted() (arch/arm64/mm/mem_encrypt.c), observed.
 *
 * The call itself runs through the policy (__set_memory_enc_dec,
 * split_kernel_leaf_mapping, the pageattr callbacks). While it runs, the natives
 * it reaches note what happened in a DecryptProbe: what the split returned,
 * which splits were made, where the pageattr walk stopped. The caller's record
 * and its plain-words explanation are built from those observations only.
 */
import type { Kernel } from '../kernel/kernel'
import type { CallerRecord } from '../result'
import { formatSize, formatVirt, PAGE_SIZE, type PhysAddr, physToVirt, virtToBig } from '../memory/addr'
import { checkRealmExposure } from '../mm/realm-checks'
import type { DecryptProbe } from '../kernel/caller-state'

export const ERRNO_NAMES: Record<number, string> = { [-1]: 'EPERM', [-12]: 'ENOMEM', [-16]: 'EBUSY', [-22]: 'EINVAL' }

export function errnoName(ret: number): string | undefined {
  return ret === 0 ? undefined : ERRNO_NAMES[ret] ?? `E${-ret}`
}

/** Share [pa, pa+size) with the host on behalf of `caller`; returns the kernel's return value. */
export function decryptFor(
  k: Kernel,
  caller: string,
  fn: string,
  pa: PhysAddr,
  size: number,
  opts: { assumption?: string } = {},
): { ret: number; record: CallerRecord } {
  const va = physToVirt(k.layout, pa)
  const probe: DecryptProbe = { splitReturns: [], splits: [], walkStops: [], warnSites: [] }
  const outer = k.probe
  k.probe = probe
  const splatsBefore = k.report.splats.length
  const faultsBefore = k.faults.length
  let ret = 0
  try {
    ret = Number(BigInt.asIntN(32, k.call('set_memory_decrypted', [virtToBig(va), BigInt(size / PAGE_SIZE)]) as bigint))
  } finally {
    k.probe = outer
  }
  const warned = k.report.splats.length > splatsBefore
  const broke = k.faults.slice(faultsBefore).map((f) => f.message)
  const outcome = !k.realm.cryptOps ? 'skipped' : ret !== 0 ? 'error' : warned || broke.length ? 'warn' : 'ok'
  const record = k.recordCall({
    caller,
    fn,
    va,
    pa,
    size,
    outcome,
    ret,
    errno: errnoName(ret),
    assumption: opts.assumption !== undefined,
    note: explain(k, probe, va, size, ret, broke),
    step: k.currentStep(),
    window: k.window(),
    cpu: k.currentCpu,
  })
  if (opts.assumption) k.assume(opts.assumption)
  k.counters.decryptCalls++
  if (ret !== 0) k.counters.decryptFailures++
  checkRealmExposure(k, { va, size })
  return { ret, record }
}

function explain(k: Kernel, probe: DecryptProbe, va: number, size: number, ret: number, broke: string[]): string {
  if (!k.realm.cryptOps) return 'not a realm: set_memory_decrypted() has no crypt ops and does nothing'
  const parts = [`share ${formatSize(size)} at ${formatVirt(va as never)}`]
  if (probe.splitReturns.length) {
    const r = probe.splitReturns[0]
    parts.push(
      probe.splits.length
        ? `split_kernel_leaf_mapping() split ${probe.splits.join(', ')} and returned ${r}`
        : `split_kernel_leaf_mapping() returned ${r}${r === 0 ? ' without splitting anything' : ` (${errnoName(r)})`}`,
    )
  }
  if (probe.walkStops.length) parts.push(probe.walkStops[0])
  if (probe.warnSites.length) parts.push(`WARN at ${probe.warnSites.join(', ')}`)
  parts.push(ret === 0 ? 'returned 0' : `returned ${ret} (${errnoName(ret)})`)
  for (const b of broke) parts.push(`but ${b}`)
  return parts.join('; ')
}
