/*
 * Policy initcalls (include/linux/init.h): `early_initcall(fn);` ... `late_initcall(fn);`
 * register fn at a level; init/main.c runs early ones from do_pre_smp_initcalls() (one CPU,
 * page allocator up, caps not final: W1) and the others from do_initcalls() in level order
 * after smp_init() (caps final: W3), each through do_one_initcall().
 */
import { describe, expect, it } from 'vitest'
import { bootWith } from '../../helpers/boot'

const share = (level: string, base = 'series') => `/* Builds on: ${base} */
void __init mem_init(void)
{
	page_alloc_available = true;
}

static int __init share_swiotlb(void)
{
	swiotlb_update_mem_attributes();
	return 0;
}
${level}_initcall(share_swiotlb);
`

describe('an initcall-level policy', () => {
  it('early_initcall: the pool is shared in W1 from do_pre_smp_initcalls, one CPU online, and the realm boots', async () => {
    const r = await bootWith('realm', share('early'), 'early.c')
    const step = r.steps.find((s) => s.fn === 'share_swiotlb')!
    expect(step).toMatchObject({ parent: 'do_pre_smp_initcalls', window: 'W1', onlineCpus: 1, capsFinalized: false, policy: true, file: 'early.c' })
    expect(r.calls.find((c) => c.caller === 'swiotlb default pool')).toMatchObject({ window: 'W1', outcome: 'ok' })
    expect(r.verdict.status).toBe('booted')
  })

  it('arch_initcall: after smp_init, caps final (W3), between the postcore and device levels', async () => {
    const r = await bootWith('realm', share('arch'), 'arch.c')
    const fns = r.steps.map((s) => s.fn)
    const at = fns.indexOf('share_swiotlb')
    expect(r.steps[at]).toMatchObject({ parent: 'do_basic_setup', window: 'W3', capsFinalized: true })
    expect(fns.indexOf('dma_atomic_pool_init')).toBeLessThan(at)
    expect(fns.indexOf('virtio_pci_probe')).toBeGreaterThan(at)
    expect(r.calls.find((c) => c.caller === 'swiotlb default pool')).toMatchObject({ window: 'W3', outcome: 'ok' })
  })

  it('a WARN inside a policy initcall prints PID 1 and do_one_initcall under kernel_init_freeable', async () => {
    // The unpatched split returns 0 before caps are final: the W1 share fails and WARNs "Failed to decrypt memory".
    const r = await bootWith('realm', share('early', 'unpatched').replace('void __init mem_init(void)\n{\n\tpage_alloc_available = true;\n}\n', 'void __init arch_mm_preinit(void)\n{\n\tswiotlb_init(true, SWIOTLB_VERBOSE | SWIOTLB_FORCE);\n}\n'), 'early-unpatched.c')
    const warn = r.splats.find((s) => s.kind === 'warn' && s.trace.some((f) => f.fn === 'share_swiotlb'))!
    expect(warn.message).toBe('Failed to decrypt memory, 16384 pages will be leaked')
    expect(warn.trace.map((f) => f.fn).slice(-5)).toEqual(['share_swiotlb', 'do_one_initcall', 'kernel_init_freeable', 'kernel_init', 'ret_from_fork'])
    expect(r.console[warn.lines[0] + 2].text).toMatch(/, CPU#0: swapper\/0\/1$/)
  })

  it('an initcall naming no function is an error at its line', async () => {
    const r = await bootWith('realm', '/* Builds on: series */\n\ndevice_initcall(nosuch);\n', 'bad.c')
    expect(r.verdict.status).toBe('policy-error')
    expect(r.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ file: 'bad.c', line: 3, message: "device_initcall(nosuch): no function named 'nosuch' in the policy" })
  })
})
