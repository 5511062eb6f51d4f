/*
 * Patch 2/3 (15bfba1ad77f) changed split_pmd()/split_pud(): `if (!pmd_valid(pmd)) prot =
 * pte_pgprot(pte_mkinvalid(pfn_pte(0, prot)))`, so splitting a present-invalid block gives
 * present-invalid children. Before it, the split rebuilt PTE_TYPE_PAGE and every child came
 * back valid. The scenario: with the series, a whole 2 MiB block is made present-invalid
 * (as set_memory_valid(..., 0) does after 2/3), then one page inside it is shared with the
 * host: the split must leave the other 511 pages invalid and only the shared page valid.
 */
import { describe, expect, it } from 'vitest'
import { bootWith } from '../../helpers/boot'

const BLOCK = 0x80000000 // linear-map offset of PA 3 GiB: a PMD block once the pool split its PUD
const POLICY = `/* Builds on: series */
void __init mem_init(void)
{
	page_alloc_available = true;
	swiotlb_update_mem_attributes();
	/* set_memory_valid(block, 512, 0) as 2/3 spells it */
	__change_memory_common(PAGE_OFFSET + ${BLOCK}, PMD_SIZE,
			       __pgprot(PTE_PRESENT_INVALID), __pgprot(PTE_VALID));
	set_memory_decrypted(PAGE_OFFSET + ${BLOCK} + 0x10000, 1);
}
`

describe('patch 2/3: a split of a present-invalid block keeps its children invalid', () => {
  it('one page shared inside an invalidated 2 MiB block: that page valid and shared, the other 511 invalid', async () => {
    const r = await bootWith('realm', POLICY, 'invalid-block.c')
    const after = r.snapshots.find((s) => s.label === 'after mem_init')!
    const inBlock = after.extents.filter((e) => e.va < BLOCK + 0x200000 && e.va + e.size > BLOCK)
    const bytes = (pred: (e: (typeof inBlock)[number]) => boolean) => inBlock.filter(pred).reduce((n, e) => n + Math.min(e.va + e.size, BLOCK + 0x200000) - Math.max(e.va, BLOCK), 0)
    expect(inBlock.every((e) => e.leaf === 'PTE' || e.leaf === 'CONT_PTE')).toBe(true)
    expect(bytes((e) => e.valid)).toBe(0x1000)
    expect(bytes((e) => e.valid && e.shared)).toBe(0x1000)
    expect(bytes((e) => !e.valid)).toBe(0x200000 - 0x1000)
    expect(r.counters.splits.pmd).toBeGreaterThan(0)
  })
})
