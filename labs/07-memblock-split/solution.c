// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 7 — Yang Shi's alternative. Reference solution: the idea he raised in
 * review of v1 (23 Mar 2026), never posted as a patch: before the buddy
 * allocator exists, a split takes its page-table pages from memblock, so
 * split_kernel_leaf_mapping() can be called at any time and black-out window 1
 * disappears. Ryan Roberts declined it ("would just be dead code").
 *
 * Builds on: series
 */

/* arch/arm64/mm/init.c, called from mm_core_init() before memblock_free_all(). */
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

/* arch/arm64/mm/init.c: runs right after memblock_free_all(). */
void __init mem_init(void)
{
	page_alloc_available = true;
}

/* Early splits get their table pages from memblock; they stay reserved for ever. */
phys_addr_t split_pgtable_alloc(void)
{
	if (!page_alloc_available)
		return memblock_phys_alloc(PAGE_SIZE, PAGE_SIZE);
	return pagetable_alloc(GFP_PGTABLE_KERNEL);
}

/* arch/arm64/mm/mmu.c: split so that [start, end) is covered by whole leaves. */
int split_kernel_leaf_mapping(unsigned long start, unsigned long end)
{
	int ret;

	/*
	 * Nothing to do if the linear map never relied on splitting (it is
	 * pte-mapped, or blocks were chosen without BBML2) or for KFENCE.
	 */
	if (!linear_map_requires_bbml2 || is_kfence_address(start))
		return 0;

	if (!system_supports_bbml2_noabort()) {
		/* Caps final: the system lacks BBML2, the map is already ptes. */
		if (system_capabilities_finalized())
			return 0;

		/* No window 1: split_pgtable_alloc() works before the buddy allocator. */

		/*
		 * Black-out window 2: secondaries started, but we don't know yet
		 * whether they all support BBML2_NOABORT.
		 */
		if (WARN_ON(num_online_cpus() > 1))
			return -EBUSY;
	}

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
