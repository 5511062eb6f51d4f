// SPDX-License-Identifier: GPL-2.0-only
/*
 * BootLab kernel state: MEMBLOCK-SPLIT — Yang Shi's alternative to 1/3, raised
 * in review of v1 (23 Mar 2026) and NOT adopted: let split_kernel_leaf_mapping()
 * take page-table pages from memblock before the buddy allocator exists, so it
 * can be called at any time and swiotlb_update_mem_attributes() can stay in
 * arch_mm_preinit(). Ryan Roberts declined it ("would just be dead code": the
 * WARN catches any such caller); no posted version implements it. Written for
 * BootLab to compare; includes 2/3 (series.c) so the comparison is about 1/3.
 * Overlays the base (unpatched.c).
 */

static bool linear_map_requires_bbml2 __ro_after_init;

/* Set once the buddy allocator owns memory: from then on use it. */
bool page_alloc_available __ro_after_init;

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

static int pageattr_pud_entry(pud_t *pud, unsigned long addr,
			      unsigned long next, struct mm_walk *walk)
{
	pud_t val = pudp_get(pud);

	if (pud_leaf(val)) {
		if (WARN_ON_ONCE((next - addr) != PUD_SIZE))
			return -EINVAL;
		val = __pud(set_pageattr_masks(pud_val(val), walk));
		set_pud(pud, val);
		walk->action = ACTION_CONTINUE;
	}

	return 0;
}

static int pageattr_pmd_entry(pmd_t *pmd, unsigned long addr,
			      unsigned long next, struct mm_walk *walk)
{
	pmd_t val = pmdp_get(pmd);

	if (pmd_leaf(val)) {
		if (WARN_ON_ONCE((next - addr) != PMD_SIZE))
			return -EINVAL;
		val = __pmd(set_pageattr_masks(pmd_val(val), walk));
		set_pmd(pmd, val);
		walk->action = ACTION_CONTINUE;
	}

	return 0;
}

static int __set_memory_enc_dec(unsigned long addr, int numpages, bool encrypt)
{
	unsigned long set_prot = 0, clear_prot = 0;
	phys_addr_t start, end;
	int ret;

	if (!is_realm_world())
		return 0;

	if (!__is_lm_address(addr))
		return -EINVAL;

	start = __virt_to_phys(addr);
	end = start + numpages * PAGE_SIZE;

	if (encrypt)
		clear_prot = PROT_NS_SHARED;
	else
		set_prot = PROT_NS_SHARED;

	/* Break: invalid but still present, so the walk can find it again. */
	ret = __change_memory_common(addr, PAGE_SIZE * numpages,
				     __pgprot(set_prot | PTE_PRESENT_INVALID),
				     __pgprot(clear_prot | PTE_VALID));
	if (ret)
		return ret;

	if (encrypt)
		ret = rsi_set_memory_range_protected(start, end);
	else
		ret = rsi_set_memory_range_shared(start, end);
	if (ret)
		return ret;

	/* Make: valid again, present-invalid marker gone. */
	return __change_memory_common(addr, PAGE_SIZE * numpages,
				      __pgprot(PTE_VALID),
				      __pgprot(PTE_PRESENT_INVALID));
}
