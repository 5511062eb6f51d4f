/*
 * The limits a submission is graded under, in a module of their own so that `bootlab boot
 * --help` and a single boot read them without loading the class grader (batch-grade.ts).
 */

/** A policy is a few KiB; a file this big is a mistake or an attack, and is not parsed. */
export const MAX_SUBMISSION_BYTES = 1024 * 1024
export const DEFAULT_TIMEOUT_SECONDS = 60
/** setTimeout's longest delay is 2^31-1 ms; a longer one fires at once (every submission would time out). */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000)
