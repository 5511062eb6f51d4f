/*
 * A guest access to the linear map on behalf of a device buffer: what the CPU
 * and the host would see (arch/arm64/mm/fault.c for the faults).
 *
 * - an invalid leaf → translation fault at that level → Oops;
 * - a valid leaf without PROT_NS_SHARED whose RIPAS is EMPTY → synchronous
 *   external abort → Oops (why __set_memory_enc_dec breaks before it changes RIPAS);
 * - a valid, private leaf whose RIPAS is RAM → no fault, but the host reads and
 *   writes the shared alias, so the device never sees the data;
 * - shared and EMPTY → the DMA works.
 * The kernel's own writes (zeroing a freshly allocated page) take the same
 * faults. An Oops in PID 1 (kernel_init) or the idle task ends the boot in a panic.
 */
import type { Kernel } from '../kernel/kernel'
import { formatVirt, PAGE_SIZE, type VirtAddr, virt, virtToPhys } from '../memory/addr'
import { extents, lookup, rangeSummary } from '../pgtable'

const FSC_NAMES: Record<number, string> = {
  0x04: 'level 0 translation fault',
  0x05: 'level 1 translation fault',
  0x06: 'level 2 translation fault',
  0x07: 'level 3 translation fault',
  0x10: 'synchronous external abort',
  0x30: 'TLB conflict abort',
}

/** die_kernel_fault() for a data abort at `va` with fault status `fsc`, then the fatal consequence. */
export function kernelDataAbort(k: Kernel, va: VirtAddr, fsc: number, write: boolean, what: string): never {
  const esr = (0x96000000 | (write ? 0x40 : 0) | fsc) >>> 0
  const header = [
    `Unable to handle kernel ${fsc === 0x30 ? 'TLB conflict abort' : fsc === 0x10 ? 'read from unreadable memory' : 'paging request'} at virtual address ${formatVirt(va)}`,
    'Mem abort info:',
    `  ESR = 0x${esr.toString(16).padStart(16, '0')}`,
    '  EC = 0x25: DABT (current EL), IL = 32 bits',
    '  SET = 0, FnV = 0',
    `  EA = ${fsc === 0x10 ? 1 : 0}, S1PTW = 0`,
    `  FSC = 0x${fsc.toString(16).padStart(2, '0')}: ${FSC_NAMES[fsc]}`,
    'Data abort info:',
    `  ISV = 0, ISS = 0x${(esr & 0x1ffffff).toString(16).padStart(8, '0')}, ISS2 = 0x00000000`,
    `  CM = 0, WnR = ${write ? 1 : 0}, TnD = 0, TagAccess = 0`,
    '  GCS = 0, Overlay = 0, DirtyBit = 0, Xs = 0',
    `swapper pgtable: 4k pages, 48-bit VAs, pgdp=${k.swapperPgDir().toString(16).padStart(16, '0')}`,
    describeWalk(k, va),
  ]
  const frames = k.callTrace()
  const index = k.report.oops({ fn: frames[0]?.fn ?? 'unknown', file: frames[0]?.file ?? '', line: 0, origin: 'kernel' }, header, esr, frames, k.task(), k.currentStep())
  const [first, last] = k.report.splats[index].lines
  for (let i = first; i <= last; i++) k.events.push({ kind: 'console', line: i })
  k.fault({
    kind: fsc === 0x10 ? 'external-abort' : fsc === 0x30 ? 'tlb-conflict' : 'translation-fault',
    message: `${what}: ${FSC_NAMES[fsc]} at ${formatVirt(va)}`,
    va,
  })
  // make_task_dead(SIGSEGV): init and the idle task cannot die; a kernel thread just exits, and whoever waits for it waits forever.
  if (k.pid === 1) return k.panic('Attempted to kill init! exitcode=0x0000000b')
  if (k.pid === 0) return k.panic('Attempted to kill the idle task!')
  return k.hang(`${k.task().comm} died in an Oops; the boot waits for it forever`)
}

/**
 * The CPU writes [va, va+size) (zeroing a new page, a memcpy into a bounce slot):
 * an invalid leaf or a private page the realm gave up (RIPAS EMPTY) stops it with
 * an Oops. Returns the valid-but-private parts, which the CPU can write but the
 * host cannot see.
 */
export function cpuWrite(k: Kernel, va: VirtAddr, size: number, what: string): { va: VirtAddr; size: number }[] {
  const summary = leafSummary(k, va, size)
  if (summary.firstInvalid) {
    const { va: at, level } = summary.firstInvalid
    kernelDataAbort(k, at, 0x04 + level, true, what)
  }
  for (const p of summary.private) {
    const pa = virtToPhys(k.layout, p.va)
    if (k.realm.sharedBytes(pa, pa + p.size) > 0) {
      const firstEmpty = k.realm.empty.find((r) => r.end > pa && r.start < pa + p.size)!
      kernelDataAbort(k, virt(p.va + Math.max(0, firstEmpty.start - pa)), 0x10, true, what)
    }
  }
  return summary.private
}

/** A bounce into [va, va+size) for a device; false when the device cannot see the data. */
export function accessLinearMap(k: Kernel, va: VirtAddr, size: number, opts: { device: string }): boolean {
  const hidden = cpuWrite(k, va, size, `${opts.device} bounce buffer`)
  if (k.realm.detected && hidden.length) {
    const bytes = hidden.reduce((n, p) => n + p.size, 0)
    k.fault({
      kind: 'dma-not-shared',
      message: `${opts.device}: ${bytes / PAGE_SIZE} bounce-buffer pages at ${formatVirt(hidden[0].va)} are private to the realm; the host reads the shared alias and the device never sees the data`,
      va: hidden[0].va,
      assumption: 'A device doing DMA through memory the realm never shared reads or writes the wrong (shared-alias) pages and fails its I/O (unverified).',
    })
    return false
  }
  return true
}

/** The first invalid leaf and the valid-but-private parts of [va, va+size). */
function leafSummary(k: Kernel, va: VirtAddr, size: number): { firstInvalid?: { va: VirtAddr; level: number }; private: { va: VirtAddr; size: number }[] } {
  const s = rangeSummary(k.pt, va, virt(va + size))
  const priv = extents(k.pt, va, virt(va + size))
    .filter((e) => e.valid && !e.shared)
    .map((e) => ({ va: virt(Math.max(e.va, va)), size: Math.min(e.va + e.size, va + size) - Math.max(e.va, va) }))
  return { firstInvalid: s.firstInvalid ? { va: virt(s.firstInvalid.va), level: s.firstInvalid.level } : undefined, private: priv }
}

/** show_pte() (arch/arm64/mm/fault.c): the Oops walk line `[va] pgd=..., p4d=..., pud=..., pmd=...`. */
function describeWalk(k: Kernel, va: VirtAddr): string {
  const steps = lookup(k.pt, va)
  const names = ['pgd', 'pud', 'pmd', 'pte']
  const parts: string[] = []
  for (const s of steps) {
    const d = s.desc.toString(16).padStart(16, '0')
    parts.push(`${names[s.level]}=${d}`)
    if (s.level === 0) parts.push(`p4d=${d}`)
  }
  return `[${formatVirt(va)}] ${parts.join(', ')}`
}
