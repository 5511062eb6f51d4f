/*
 * The limits a submission is graded under, in a module of their own so that `bootlab boot
 * --help` and a single boot read them without loading the class grader (batch-grade.ts), and
 * what an empty hand-in is.
 */

/** A policy is a few KiB; a file this big is a mistake or an attack, and is not parsed. */
export const MAX_SUBMISSION_BYTES = 1024 * 1024
export const DEFAULT_TIMEOUT_SECONDS = 60
/** setTimeout's longest delay is 2^31-1 ms; a longer one fires at once (every submission would time out). */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000)

/**
 * A submission with nothing but white space: graded, it would be the base kernel unchanged and earn
 * whatever goals that passes. A hand-in of the wrong (or an unsaved) file gets this error instead.
 */
export const EMPTY_SUBMISSION = { kind: 'empty', message: 'is empty (nothing but white space); a submission is a policy file' } as const

export const isEmptySubmission = (text: string): boolean => text.trim() === ''
