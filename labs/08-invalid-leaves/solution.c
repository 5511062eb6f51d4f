// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 8 — Why one patch was not enough. Reference solution: patch 2/3
 * ("arm64: mm: Handle invalid large leaf mappings correctly", 15bfba1ad77f) on
 * top of 1/3. An invalidated block stays "present" (PTE_PRESENT_INVALID with
 * PTE_VALID clear), and the callbacks test pud_leaf()/pmd_leaf(), which are
 * true for present-invalid blocks, so the "make" step finds and re-validates
 * every fully covered block. (The real patch also swaps PTE_MAYBE_NG in
 * set_memory_valid() and the direct-map masks; only the enc/dec path matters here.)
 *
 * Builds on: patched-v2
 */

/* arch/arm64/mm/pageattr.c: the PUD and PMD callbacks of update_range_prot()'s walk. */
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
