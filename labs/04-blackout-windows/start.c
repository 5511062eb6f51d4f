// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 4 — Close the black-out windows. Starting policy.
 *
 * The base kernel (v6.18) with the fix's bookkeeping already in place:
 * page_alloc_available, set by a new arm64 mem_init() once the buddy allocator
 * owns memory, and linear_map_requires_bbml2 kept after init so it can be read
 * at run time. swiotlb_update_mem_attributes() is still called from
 * arch_mm_preinit() (that is lab 5).
 *
 * split_kernel_leaf_mapping() below is still the v6.18 one: until the caps are
 * final it refuses every split, silently. Make it split when that is safe and
 * refuse loudly (WARN, -EBUSY) when it is not.
 */

/* arch/arm64/mm/mmu.c: "we used blocks only because we can split later". */
static bool linear_map_requires_bbml2 __ro_after_init;

/* arch/arm64/include/asm/mmu.h: set once the buddy allocator owns memory. */
bool page_alloc_available __ro_after_init;

/* arch/arm64/mm/init.c: runs right after memblock_free_all(). */
void __init mem_init(void)
{
	page_alloc_available = true;
}

/* arch/arm64/mm/mmu.c: split so that [start, end) is covered by whole leaves. */
int split_kernel_leaf_mapping(unsigned long start, unsigned long end)
{
	int ret;

	/*
	 * TODO: before the caps are final this returns 0 for every caller, so a
	 * realm's early set_memory_decrypted() reaches pageattr with blocks that
	 * were never split. Decide when splitting is safe instead.
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
