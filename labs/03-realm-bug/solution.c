// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 3 — Reproduce the realm bug. Reference "solution": the start policy unchanged (an explore lab; the answers are in the questions).
 *
 * Copies of the two base-kernel functions (unpatched.c: v6.18, and 7.0-rc
 * before f12b435de2f2) at the heart of the bug; everything else comes from the
 * base. Nothing needs fixing yet: boot, read the console and the map, and find
 * out why sharing fails.
 */

/* arch/arm64/mm/mmu.c: split so that [start, end) is covered by whole leaves. */
int split_kernel_leaf_mapping(unsigned long start, unsigned long end)
{
	int ret;

	/*
	 * !BBML2_NOABORT systems should not be changing permissions on anything
	 * that is not pte-mapped in the first place: return early and let the
	 * permission change code warn. Before caps are finalized this is always
	 * the case.
	 */
	if (!system_supports_bbml2_noabort())
		return 0;

	/* Already pte-mapped (or a KFENCE page, changed from atomic context). */
	if (force_pte_mapping() || is_kfence_address(start))
		return 0;

	if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(end))
		return -EINVAL;

	mutex_lock(&pgtable_split_lock);
	arch_enter_lazy_mmu_mode();

	ret = split_kernel_leaf_mapping_locked(start);
	if (!ret)
		ret = split_kernel_leaf_mapping_locked(end);

	arch_leave_lazy_mmu_mode();
	mutex_unlock(&pgtable_split_lock);
	return ret;
}

/* arch/arm64/mm/init.c, called from mm_core_init() while memblock is the only allocator. */
void __init arch_mm_preinit(void)
{
	unsigned int flags = SWIOTLB_VERBOSE;
	bool swiotlb = max_pfn > PFN_DOWN(arm64_dma_phys_limit);

	if (is_realm_world()) {
		swiotlb = true;
		flags |= SWIOTLB_FORCE;
	}

	swiotlb_init(swiotlb, flags);
	swiotlb_update_mem_attributes();
}
