// SPDX-License-Identifier: GPL-2.0-only
/*
 * BootLab kernel state: MEMBLOCK-SPLIT — Yang Shi's alternative to 1/3, raised
 * in review of v1 (23 Mar 2026) and NOT adopted: let split_kernel_leaf_mapping()
 * take page-table pages from memblock before the buddy allocator exists, so it
 * can be called at any time and swiotlb_update_mem_attributes() can stay in
 * arch_mm_preinit(). Ryan Roberts declined it ("would just be dead code": the
 * WARN catches any such caller); no posted version implements it. Written for
 * BootLab to compare. It replaces 1/3's changes and keeps 2/3, so the
 * comparison with series.c is about 1/3 alone.
 *
 * Builds on: series
 */

/* swiotlb can stay where it always was: splitting works before the buddy allocator. */
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

int split_kernel_leaf_mapping(unsigned long start, unsigned long end)
{
	int ret;

	if (!linear_map_requires_bbml2 || is_kfence_address(start))
		return 0;

	if (!system_supports_bbml2_noabort()) {
		if (system_capabilities_finalized())
			return 0;

		/* Only the secondary-CPU window remains. */
		if (WARN_ON(num_online_cpus() > 1))
			return -EBUSY;
	}

	if (start != PAGE_ALIGN(start) || end != PAGE_ALIGN(end))
		return -EINVAL;

	mutex_lock(&pgtable_split_lock);
	arch_enter_lazy_mmu_mode();

	/*
	 * A single page: split only at the less aligned of start and end; the
	 * other boundary is then implied (both lie in one split contpte block).
	 */
	if (end - start == PAGE_SIZE) {
		start = __ffs(start) < __ffs(end) ? start : end;
		ret = split_kernel_leaf_mapping_locked(start);
	} else {
		ret = split_kernel_leaf_mapping_locked(start);
		if (!ret)
			ret = split_kernel_leaf_mapping_locked(end);
	}

	arch_leave_lazy_mmu_mode();
	mutex_unlock(&pgtable_split_lock);
	return ret;
}
