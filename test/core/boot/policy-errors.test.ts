/*
 * A policy can be wrong in ways only running it shows. Each must come back as a
 * located policy error in the BootResult, never as an exception out of boot().
 */
import { describe, expect, it } from 'vitest'
import { bootWith } from '../../helpers/boot'

describe('policy errors at run time', () => {
  it('a kernel pointer passed where a native wants an integer: error at the call', async () => {
    const r = await bootWith('realm', `
static int pageattr_pmd_entry(pmd_t *pmd, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	if (PAGE_ALIGNED(pmd))
		return 0;
	return 0;
}
`, 'handle.c')
    expect(r.verdict.status).toBe('policy-error')
    expect(r.diagnostics.at(-1)).toMatchObject({ file: 'handle.c', line: 4, code: 'runtime' })
    expect(r.diagnostics.at(-1)!.message).toContain('argument 1 of PAGE_ALIGNED() must be an integer')
  })

  it('an integer passed where a native wants a pmd_t *: error at the call', async () => {
    const r = await bootWith('realm', `
static int pageattr_pmd_entry(pmd_t *pmd, unsigned long addr, unsigned long next, struct mm_walk *walk)
{
	pmd_t v = pmdp_get(addr);
	return 0;
}
`, 'int.c')
    expect(r.verdict.status).toBe('policy-error')
    expect(r.diagnostics.at(-1)).toMatchObject({ file: 'int.c', line: 4 })
  })

  it('a recursion that never ends hits the call-depth limit at the call', async () => {
    const r = await bootWith('realm', `
static int deeper(int n)
{
	return deeper(n + 1);
}

void __init mem_init(void)
{
	deeper(0);
}
`, 'deep.c')
    expect(r.verdict.status).toBe('policy-error')
    expect(r.diagnostics.at(-1)).toMatchObject({ file: 'deep.c', line: 4 })
  })

  it('the boot result still records how far the kernel got before the policy broke', async () => {
    const r = await bootWith('realm', 'void __init mem_init(void)\n{\n\tint x = 1 / (num_online_cpus() - 1);\n}\n', 'div.c')
    expect(r.verdict.status).toBe('policy-error')
    expect(r.diagnostics.at(-1)).toMatchObject({ file: 'div.c', line: 3 })
    expect(r.reached).toBe('mem_init')
    expect(r.steps.some((s) => s.fn === 'memblock_free_all')).toBe(true)
  })
})
