/*
 * Each failure comes from an invariant of the model breaking, reached by what a
 * policy does — never from a check on which policy runs (kernel reference and
 * docs/model.md, "Invariants").
 */
import { describe, expect, it } from 'vitest'
import { bootWith } from '../../helpers/boot'

describe('allocator stages', () => {
  it('splitting with buddy pages before memblock_free_all() (no page_alloc_available check) is a modelled fault', async () => {
    // Keeps the merged split but drops the window-1 check, with swiotlb still shared in arch_mm_preinit().
    const r = await bootWith('realm', `
/* Builds on: series */
void __init arch_mm_preinit(void)
{
	swiotlb_init(true, SWIOTLB_VERBOSE | SWIOTLB_FORCE);
	swiotlb_update_mem_attributes();
}

int split_kernel_leaf_mapping(unsigned long start, unsigned long end)
{
	int ret = split_kernel_leaf_mapping_locked(start);
	if (!ret)
		ret = split_kernel_leaf_mapping_locked(end);
	return ret;
}
`, 'no-window-1.c')
    expect(r.verdict.status).toBe('failed')
    expect(r.faults[0]).toMatchObject({ kind: 'pgtable-alloc-before-buddy' })
    expect(r.steps[r.faults[0].step].fn).toBe('arch_mm_preinit')
  })

  it('a memblock allocation after memblock_free_all() is a modelled fault', async () => {
    const r = await bootWith('realm', `
/* Builds on: series */
void __init mem_init(void)
{
	page_alloc_available = true;
	memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE);
	swiotlb_update_mem_attributes();
}
`, 'late-memblock.c')
    expect(r.verdict.status).toBe('failed')
    expect(r.faults[0]).toMatchObject({ kind: 'memblock-after-handover' })
  })
})

describe('CPU accesses', () => {
  it('zeroing a new page inside a block the 2/3 bug left invalid is a translation fault at once', async () => {
    // The unpatched PUD callback without its whole-block check: the swiotlb share
    // invalidates the 1 GiB block holding the pool, and make (pud_sect) never re-validates it.
    // The next allocation there (the ITS command queue) is zeroed through that block.
    const r = await bootWith('realm', `
static int pageattr_pud_entry(pud_t *pud, unsigned long addr,
			      unsigned long next, struct mm_walk *walk)
{
	pud_t val = pudp_get(pud);

	if (pud_sect(val)) {
		set_pud(pud, __pud(set_pageattr_masks(pud_val(val), walk)));
		walk->action = ACTION_CONTINUE;
	}
	return 0;
}
`, 'whole-block-unpatched.c')
    expect(r.verdict.status).toBe('failed')
    expect(r.faults[0].kind).toBe('translation-fault')
    expect(r.faults[0].message).toContain('zeroing ITS')
    expect(r.faults[0].message).toContain('level 1 translation fault')
    expect(r.verdict.headline).toContain('Attempted to kill the idle task!')
  })
})

describe('realm memory exposure', () => {
  it('making a partly covered block shared as a whole exposes the rest of it to the host', async () => {
    // A tempting wrong fix for the rodata=off hole (nothing is ever split there): drop the
    // whole-block check, keep 2/3's leaf test. The swiotlb share then rewrites the 1 GiB
    // PUD block that holds the 64 MiB pool, valid and shared.
    const r = await bootWith('realm-rodata-off', `
/* Builds on: series */
static int pageattr_pud_entry(pud_t *pud, unsigned long addr,
			      unsigned long next, struct mm_walk *walk)
{
	pud_t val = pudp_get(pud);

	if (pud_leaf(val)) {
		set_pud(pud, __pud(set_pageattr_masks(pud_val(val), walk)));
		walk->action = ACTION_CONTINUE;
	}
	return 0;
}
`, 'whole-block.c')
    const exposed = r.faults.find((f) => f.kind === 'realm-memory-exposed')!
    expect(exposed.message).toContain('PUD leaf')
    expect(exposed.message).toContain('1 GiB')
    // 64 MiB of the 1 GiB were given up by the realm; the other 960 MiB were not.
    expect(exposed.message).toContain('960 MiB of it was never given up')
  })
})

describe('a caller in window W0', () => {
  it('gets its buffer from memblock and meets black-out window 1 under the merged fix', async () => {
    const r = await bootWith(
      {
        name: 'w0-caller',
        machine: { ram: [{ base: 0x40000000, size: '4G' }], cpus: [{ model: 'neoverse-v3', revision: 'r0p2', count: 2 }] },
        realm: true,
        extraCallers: [{ name: 'early_shared_buffer', at: 'arch_mm_preinit', size: '96K' }],
      },
      '/* Builds on: series */\n',
      'series-layer.c',
    )
    const call = r.calls.find((c) => c.caller === 'early_shared_buffer')!
    expect(call).toMatchObject({ window: 'W0', ret: -16, errno: 'EBUSY' })
    expect(r.steps[call.step].fn).toBe('arch_mm_preinit')
  })
})
