// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 2 — BBML2_NOABORT and the repaint. Starting policy.
 *
 * A copy of the base kernel's (unpatched.c, v6.18) repaint decision; everything
 * else comes from there. Nothing needs fixing: read it, boot host-mixed, and
 * follow what it does and what it costs.
 */

/*
 * arch/arm64/mm/mmu.c, called from setup_system_features() right after
 * setup_system_capabilities(): the caps are final, so the kernel now knows
 * whether every CPU has BBML2_NOABORT.
 */
void __init linear_map_maybe_split_to_ptes(void)
{
	if (linear_map_requires_bbml2 && !system_supports_bbml2_noabort())
		linear_map_split_to_ptes();	/* under stop_machine() */
}
