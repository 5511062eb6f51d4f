// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 10 — An open problem. Starting policy: the merged series (1/3 + 2/3), as
 * v7.1 ships it. A realm booted with rodata=off keeps a block-mapped linear map
 * that nothing ever splits, because realm detection (arm64_rsi_init()) runs
 * after map_mem(). No fix is known to have been merged. Propose one: any
 * function of the base kernel may be redefined here.
 *
 * Builds on: series
 */
