// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 7 — Yang Shi's alternative. Starting policy: the merged series, except
 * that swiotlb_update_mem_attributes() is back in arch_mm_preinit(), where it
 * was before the fix. Black-out window 1 refuses that split (WARN, -EBUSY).
 * Instead of moving the caller (lab 5), make the split itself work before the
 * page allocator exists, as Yang Shi proposed in review of v1.
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

/* Where a lazy split gets its page-table pages (split_pud()/split_pmd()). */
phys_addr_t split_pgtable_alloc(void)
{
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

		/* Black-out window 1: splitting allocates from the page allocator. */
		if (WARN_ON(!page_alloc_available))
			return -EBUSY;

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
