// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 10 — An open problem. One possible answer, not a merged fix: once
 * arm64_rsi_init() knows this is a realm, look again at what map_mem() decided
 * without knowing it. If the linear map has blocks that nothing may split
 * (linear_map_requires_bbml2 false) and the boot CPU has BBML2_NOABORT, make
 * the promise map_mem() would have made for rodata=full: set
 * linear_map_requires_bbml2, so early shares split (the page allocator and the
 * black-out windows still rule when), and caps finalization repaints to PTEs if
 * a secondary turns out to lack BBML2_NOABORT.
 *
 * Not covered: a boot CPU without BBML2_NOABORT (see the lab's questions).
 *
 * Builds on: series
 */

/* map_mem() chose blocks: remembered for arm64_rsi_init(), which runs after it. */
static bool linear_map_has_blocks __initdata;

/* arch/arm64/mm/mmu.c: write the linear map of all RAM, and remember whether blocks were used. */
void __init map_mem(void)
{
	int flags = NO_EXEC_MAPPINGS;

	if (force_pte_mapping())
		flags |= NO_BLOCK_MAPPINGS | NO_CONT_MAPPINGS;
	else
		linear_map_has_blocks = true;

	linear_map_requires_bbml2 = !force_pte_mapping() && can_set_direct_map();

	map_memblock_ranges(flags);
}

/* arch/arm64/kernel/rsi.c: runs in setup_arch() after the PSCI probe, i.e. after map_mem(). */
void __init arm64_rsi_init(void)
{
	if (!rsi_version_matches())
		return;

	if (realm_register_memory_enc_ops())
		return;

	static_branch_enable(&rsi_present);

	/* A realm must be able to share any page: blocks are fine only if we may split them. */
	if (linear_map_has_blocks && !linear_map_requires_bbml2 && cpu_supports_bbml2_noabort())
		linear_map_requires_bbml2 = true;
}
