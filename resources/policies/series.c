// SPDX-License-Identifier: GPL-2.0-only
/*
 * BootLab kernel state: SERIES — patch 1/3 as merged (f12b435de2f2) plus 2/3
 * "arm64: mm: Handle invalid large leaf mappings correctly" (15bfba1ad77f).
 * Overlays the base (unpatched.c); 1/3 is identical to patched-v2.c.
 *
 * 2/3: an invalidated block is no longer "not a section" and forgotten. Invalid
 * kernel leaves are encoded present-invalid (PTE_PRESENT_INVALID with PTE_VALID
 * clear), and the pageattr callbacks test pmd_leaf()/pud_leaf(), so the "make"
 * step of __set_memory_enc_dec() re-validates fully covered blocks. (The real
 * patch also swaps PTE_MAYBE_NG in set_memory_valid() and the direct-map masks;
 * only the enc/dec path matters here.)
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
