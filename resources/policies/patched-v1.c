// SPDX-License-Identifier: GPL-2.0-only
/*
 * BootLab kernel state: PATCHED-V1 — [PATCH v1 1/3] "arm64: mm: Fix rodata=full
 * block mapping support for realm guests" as posted on 23 Mar 2026 (the seed),
 * WITHOUT 2/3. Overlays the base (unpatched.c).
 *
 * Differs from what was merged (patched-v2.c): the BBML2 block comes first and
 * returns 0 if caps are final OR the *current* CPU lacks BBML2_NOABORT; only
 * then the force_pte_mapping()/KFENCE exit; page_alloc_available is declared
 * with a local extern; linear_map_requires_bbml2 stays __initdata.
 */

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

	if (!system_supports_bbml2_noabort()) {
		/*
		 * !BBML2_NOABORT systems should not be trying to change
		 * permissions on anything that is not pte-mapped in the first
		 * place. Just return early and let the permission change code
		 * raise a warning if not already pte-mapped.
		 */
		if (system_capabilities_finalized() ||
		    !cpu_supports_bbml2_noabort())
			return 0;

		/*
		 * Boot-time: split_kernel_leaf_mapping_locked() allocates from
		 * page allocator. Can't split until it's available.
		 */
		extern bool page_alloc_available;
		if (WARN_ON(!page_alloc_available))
			return -EBUSY;

		/*
		 * Boot-time: Started secondary cpus but don't know if they
		 * support BBML2_NOABORT yet. Can't allow splitting in this
		 * window in case they don't.
		 */
		if (WARN_ON(num_online_cpus() > 1))
			return -EBUSY;
	}

	/* Already pte-mapped (or a KFENCE page). */
	if (force_pte_mapping() || is_kfence_address(start))
		return 0;

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
