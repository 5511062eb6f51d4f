// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 1 — Tour of the linear map. Reference "solution": the start policy unchanged (an explore lab; the answers are in the questions).
 *
 * These two functions are copies of the base kernel (unpatched.c, v6.18):
 * everything else comes from there. Nothing needs fixing; change them to ask
 * "what if" (for example force PTEs everywhere), boot again, and compare.
 */

/* arch/arm64/mm/mmu.c: must the linear map be PTE-only? */
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
