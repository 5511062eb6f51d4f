/*
 * One palette for every picture of a boot, in the app and in exported reports,
 * so a colour means the same thing everywhere. Okabe-Ito colours: told apart
 * with the common colour-vision deficiencies; coarse leaves cool, fine leaves warm.
 */
import type { CallOutcome, LeafKind } from '../core'

export const LEAF_COLOUR: Record<LeafKind, string> = { PUD: '#0072b2', CONT_PMD: '#56b4e9', PMD: '#009e73', CONT_PTE: '#e69f00', PTE: '#d55e00' }
export const SHARED_COLOUR = '#cc79a7'
export const INVALID_COLOUR = '#000000'
export const HIGHLIGHT_COLOUR = '#ffd400'
export const OUTCOME_COLOUR: Record<CallOutcome, string> = { ok: '#009e73', warn: '#e69f00', error: '#d55e00', skipped: '#999999' }
