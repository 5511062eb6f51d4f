// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 8 — Why one patch was not enough. Starting policy: patch 1/3 as merged
 * (f12b435de2f2) alone, as the kernel stood after lab 5. The realm now shares
 * its swiotlb pool without a WARN, boots further, and then crashes at the first
 * bounce. Below are the pageattr callbacks and the realm's break/RSI/make
 * sequence, as in v6.18. Find the blocks that stay invalid and fix the leaf
 * test, as patch 2/3 does.
 *
 * Builds on: patched-v2
 */

/* arch/arm64/mm/pageattr.c: the PUD and PMD callbacks of update_range_prot()'s walk. */
static int pageattr_pud_entry(pud_t *pud, unsigned long addr,
			      unsigned long next, struct mm_walk *walk)
{
	pud_t val = pudp_get(pud);

	if (pud_sect(val)) {
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

	if (pmd_sect(val)) {
		if (WARN_ON_ONCE((next - addr) != PMD_SIZE))
			return -EINVAL;
		val = __pmd(set_pageattr_masks(pmd_val(val), walk));
		set_pmd(pmd, val);
		walk->action = ACTION_CONTINUE;
	}

	return 0;
}

/* arch/arm64/mm/pageattr.c: share (decrypt) or unshare a linear-map range: break, RSI call, make. */
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

	/*
	 * Break the mapping before changing RIPAS: no stale TLB entries, no
	 * external aborts while the host-visible state changes.
	 */
	ret = __change_memory_common(addr, PAGE_SIZE * numpages,
				     __pgprot(set_prot),
				     __pgprot(clear_prot | PTE_VALID));
	if (ret)
		return ret;

	if (encrypt)
		ret = rsi_set_memory_range_protected(start, end);
	else
		ret = rsi_set_memory_range_shared(start, end);
	if (ret)
		return ret;

	/* Make: map it again. */
	return __change_memory_common(addr, PAGE_SIZE * numpages,
				      __pgprot(PTE_VALID),
				      __pgprot(0));
}
