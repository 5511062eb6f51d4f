/*
 * A third policy nobody shipped must get an honest, derived result. Here: the merged
 * fix with the num_online_cpus() check removed, on a machine where a caller shares a
 * buffer from a CPU-online callback of CPU2, which lacks BBML2_NOABORT (kernel
 * reference §4 "black-out window 2"). Nothing in the model knows this policy: the
 * abort comes from a live contpte split while CPU2 runs.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bootNamed, bootWith, warnSites } from '../../helpers/boot'

// The merged split_kernel_leaf_mapping(), as patched-v2.c has it.
const v2 = readFileSync('resources/policies/patched-v2.c', 'utf8')
const mergedSplit = v2.slice(v2.indexOf('int split_kernel_leaf_mapping'))
const withoutCpuCheck = `/* Builds on: series */\n${mergedSplit.replace(/\n\t\t\/\*\n\t\t \* Boot-time: secondaries started[\s\S]*?return -EBUSY;\n/, '\n')}`

describe('a policy nobody planned for', () => {
  it('really removes the check (guard against the test silently testing series.c)', () => {
    expect(mergedSplit).toContain('WARN_ON(num_online_cpus() > 1)')
    expect(withoutCpuCheck).not.toContain('num_online_cpus')
  })

  it('without the secondary-CPU check: a live split while CPU2 lacks BBML2_NOABORT → TLB conflict abort on CPU2', async () => {
    const r = await bootWith('realm-cpu-online-caller', withoutCpuCheck, 'no-cpu-check.c')
    expect(r.verdict.status).toBe('failed')
    const fault = r.faults.find((f) => f.kind === 'tlb-conflict')!
    expect(fault.message).toContain('CPU2')
    const oops = r.splats.find((s) => s.kind === 'oops')!
    expect(oops.cpu).toBe(2)
    // The learner's own line is in the trace: split_kernel_leaf_mapping() in no-cpu-check.c.
    expect(oops.frames.some((f) => f.origin === 'policy' && f.file === 'no-cpu-check.c' && f.fn === 'split_kernel_leaf_mapping')).toBe(true)
    expect(r.steps[oops.step].fn).toBe('smp_init')
  })

  it('with the check (series.c): the same caller WARNs, gets -EBUSY, and the boot goes on', async () => {
    const r = await bootNamed('realm-cpu-online-caller', 'series')
    expect(r.verdict.status).toBe('booted-with-warnings')
    expect(warnSites(r)).toEqual([
      'split_kernel_leaf_mapping',
      'update_range_prot',
      'realm_set_memory_decrypted: Failed to decrypt memory, 24 pages will be leaked',
    ])
    expect(r.calls.find((c) => c.caller === 'hypothetical_cpu_online_share')).toMatchObject({ window: 'W2', cpu: 2, ret: -16, errno: 'EBUSY' })
  })

  it('moving the swiotlb share back into arch_mm_preinit() under the merged split hits black-out window 1', async () => {
    const early = `
bool page_alloc_available __ro_after_init;
void __init arch_mm_preinit(void)
{
	swiotlb_init(true, SWIOTLB_VERBOSE | SWIOTLB_FORCE);
	swiotlb_update_mem_attributes();
}
void __init mem_init(void)
{
	page_alloc_available = true;
}
${mergedSplit}`
    const r = await bootWith('realm', early, 'early.c')
    expect(warnSites(r).slice(0, 2)).toEqual(['split_kernel_leaf_mapping', 'update_range_prot'])
    const pool = r.calls.find((c) => c.fn === 'swiotlb_update_mem_attributes')!
    expect(pool).toMatchObject({ window: 'W0', ret: -16 })
    const warn = r.splats[0]
    expect(warn.site.file).toBe('early.c')
    expect(early.split('\n')[warn.site.line - 1]).toContain('WARN_ON(!page_alloc_available)')
  })
})
