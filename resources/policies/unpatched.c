// SPDX-License-Identifier: GPL-2.0-only
/*
 * BootLab kernel state: UNPATCHED — the base kernel.
 *
 * Models v6.18 (and 7.0-rc before f12b435de2f2): commit a166563e7ec3 ("arm64: mm:
 * support large block mapping when rodata=full") maps the linear map with
 * blocks and contiguous runs when the boot CPU has BBML2_NOABORT, and splits
 * them lazily, but only once the system capabilities are finalized.
 *
 * This file is the base every other policy overlays: a policy may define any of
 * these functions or globals; what it leaves out comes from here. Written for
 * BootLab in kernel style after arch/arm64/mm/{mmu,init,pageattr}.c and
 * arch/arm64/kernel/rsi.c; it is a model, not kernel source.
 */

/* arch/arm64/mm/mmu.c: "we used blocks only because we can split later". */
static bool linear_map_requires_bbml2 __initdata;

/* --- arch/arm64/mm/mmu.c ------------------------------------------------ */

/* Must the linear map be PTE-only? Asked at map_mem() time and on every split. */
bool force_pte_mapping(void)
{
	bool bbml2 = system_capabilities_finalized() ?
		system_supports_bbml2_noabort() : cpu_supports_bbml2_noabort();

	return (!bbml2 && (rodata_full || arm64_kfence_can_set_direct_map() ||
			   is_realm_world())) ||
		debug_pagealloc_enabled();
}

/* paging_init() → map_mem(): write the linear map of all RAM. */
void __init map_mem(void)
{
	int flags = NO_EXEC_MAPPINGS;

	if (force_pte_mapping())
		flags |= NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS;

	linear_map_requires_bbml2 = !force_pte_mapping() && can_set_direct_map();

	/* for_each_mem_range() → __map_memblock(); kernel image alias with NO_CONT_MAPPINGS */
	map_memblock_ranges(flags);
}

/* Where a lazy split gets its page-table pages (split_pud()/split_pmd()). */
phys_addr_t split_pgtable_alloc(void)
{
	return pagetable_alloc(GFP_PGTABLE_KERNEL);
}

/* Split so that [start, end) is covered by whole leaves; 0 also means "did nothing". */
int split_kernel_leaf_mapping(unsigned long start, unsigned long end)
{
	int ret;

	/*
	 * !BBML2_NOABORT systems should not be changing permissions on anything
	 * that is not pte-mapped in the first place: return early and let the
	 * permission change code warn. Before caps are finalized this is always
	 * the case.
	 */
	if (!system_supports_bbml2_noabort())
		return 0;

	/* Already pte-mapped (or a KFENCE page, changed from atomic context). */
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

/* setup_system_features(): caps are final; repaint if the blocks relied on BBML2. */
void __init linear_map_maybe_split_to_ptes(void)
{
	if (linear_map_requires_bbml2 && !system_supports_bbml2_noabort())
		linear_map_split_to_ptes();	/* under stop_machine() */
}

/* --- arch/arm64/mm/init.c ----------------------------------------------- */

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

/* --- arch/arm64/mm/pageattr.c ------------------------------------------- */

bool can_set_direct_map(void)
{
	return rodata_full || debug_pagealloc_enabled() ||
	       arm64_kfence_can_set_direct_map() || is_realm_world();
}

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

/* Share (decrypt) or unshare a linear-map range: break, RSI call, make. */
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

/* --- arch/arm64/kernel/rsi.c -------------------------------------------- */

/* Runs in setup_arch() after the PSCI probe, i.e. after map_mem(). */
void __init arm64_rsi_init(void)
{
	if (!rsi_version_matches())
		return;

	if (realm_register_memory_enc_ops())
		return;

	static_branch_enable(&rsi_present);
}
