// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 9 — v1 versus what was merged. Starting policy: split_kernel_leaf_mapping()
 * as posted in [PATCH v1 1/3] on 23 Mar 2026 (the seed), over the merged series
 * (patch 2/3 included, so only 1/3 differs). v1 tests the BBML2 state first and
 * returns 0 when caps are final OR the *current* CPU lacks BBML2_NOABORT; only
 * then does it ask force_pte_mapping(). Find a machine where this behaves
 * differently from the merged form, then turn it into the merged form.
 *
 * Builds on: series
 */

/* arch/arm64/mm/mmu.c, v1: split so that [start, end) is covered by whole leaves. */
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
