// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 5 — Move swiotlb_update_mem_attributes(). Reference solution: the
 * arch/arm64/mm/init.c half of f12b435de2f2. The bounce pool is still carved
 * from memblock in arch_mm_preinit() (swiotlb_init()), but it is shared with
 * the host from mem_init(), after memblock_free_all(): the page allocator
 * exists, so the split it needs is allowed.
 */

/* arch/arm64/mm/mmu.c: "we used blocks only because we can split later". */
static bool linear_map_requires_bbml2 __ro_after_init;

/* arch/arm64/include/asm/mmu.h: set once the buddy allocator owns memory. */
bool page_alloc_available __ro_after_init;

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
}

/* arch/arm64/mm/init.c: runs right after memblock_free_all(). */
void __init mem_init(void)
{
	page_alloc_available = true;
	swiotlb_update_mem_attributes();
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
