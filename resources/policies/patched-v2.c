// SPDX-License-Identifier: GPL-2.0-only
/*
 * BootLab kernel state: PATCHED-V2 — "arm64: mm: Fix rodata=full block mapping
 * support for realm guests" as merged (f12b435de2f2, v2 of 1/3, 30 Mar 2026),
 * WITHOUT 2/3. Overlays the base (unpatched.c).
 *
 * - split_kernel_leaf_mapping() refuses only in two black-out windows: before
 *   the page allocator exists, and while secondaries may run before caps are
 *   final; both WARN and return -EBUSY.
 * - linear_map_requires_bbml2 is tested first and is no longer __initdata.
 * - swiotlb_update_mem_attributes() moves from arch_mm_preinit() to mem_init().
 * Still missing: invalid large leaves are never re-validated (patch 2/3).
 */

static bool linear_map_requires_bbml2 __ro_after_init;

/* arch/arm64/include/asm/mmu.h: set once the buddy allocator owns memory. */
bool page_alloc_available __ro_after_init;

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

void __init mem_init(void)
{
	page_alloc_available = true;
	swiotlb_update_mem_attributes();
}

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

		/* Boot-time: splitting allocates from the page allocator. */
		if (WARN_ON(!page_alloc_available))
			return -EBUSY;

		/*
		 * Boot-time: secondaries started but we don't know yet whether
		 * they all support BBML2_NOABORT.
		 */
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
