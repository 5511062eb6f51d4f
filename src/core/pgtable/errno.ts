/*
 * The errno values the page-table code returns (include/uapi/asm-generic/errno-base.h).
 * Kernel functions return them negated (-ENOMEM); so do the model's.
 */
export const ENOMEM = 12
export const EINVAL = 22
