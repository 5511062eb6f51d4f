// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 6 — Break it on purpose. Starting policy: the merged series (1/3 + 2/3)
 * with one check removed from split_kernel_leaf_mapping(): the test for
 * secondary CPUs in black-out window 2. Boot realm-cpu-online-caller and find
 * out why the check exists; then put back what keeps the machine alive.
 *
 * Builds on: series
 */

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
		 * The boot CPU has BBML2_NOABORT and the page allocator is up:
		 * what else could go wrong?
		 */
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
