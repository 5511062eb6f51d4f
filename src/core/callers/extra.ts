/*
 * set_memory_decrypted() users a scenario adds: to put a caller where no known
 * kernel caller is (e.g. a CPU-online callback inside black-out window 2) and
 * watch what each policy does with it. Marked hypothetical unless the scenario
 * says otherwise.
 */
import { memblockAlloc } from '../memblock/alloc'
import { allocPages } from '../buddy/alloc'
import type { Kernel } from '../kernel/kernel'
import { PAGE_SIZE } from '../memory/addr'
import { decryptFor } from './decrypt'

export function runExtraCallers(k: Kernel, at: 'arch_mm_preinit' | 'early_initcall' | 'cpu_starting' | 'cpu_online' | 'device_initcall', cpu?: number): void {
  for (const c of k.scenario.extraCallers) {
    if (k.halted) return
    if (c.at !== at) continue
    if ((at === 'cpu_online' || at === 'cpu_starting') && (c.cpu ?? 1) !== cpu) continue
    k.frame(c.name, '(scenario)', () => {
      // Before memblock_free_all() memblock is the only allocator, as for the swiotlb pool.
      const pa = k.buddy ? allocPages(k, Math.ceil(Math.log2(c.size / PAGE_SIZE)), c.name) : memblockAlloc(k, c.size, PAGE_SIZE, c.name)
      if (pa === null) return
      decryptFor(k, c.name, c.name, pa, c.size, { assumption: c.hypothetical ? `${c.name} is a hypothetical caller added by the scenario; no such kernel caller is known.` : undefined })
    })
  }
}
