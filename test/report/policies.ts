/*
 * Two kernel states that differ only in where swiotlb_update_mem_attributes()
 * is called, both built from patched-v2.c: in mem_init() (as merged) and in
 * arch_mm_preinit() (before the page allocator exists, as in the base kernel).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { POLICY_DIR } from '../../src/node/resources'

export const PATCHED_V2 = readFileSync(join(POLICY_DIR, 'patched-v2.c'), 'utf8')

const CALL = '\tswiotlb_update_mem_attributes();\n'
const IN_MEM_INIT = `\tpage_alloc_available = true;\n${CALL}`
const END_OF_PREINIT = '\tswiotlb_init(swiotlb, flags);\n}'

/** patched-v2.c with the call moved from mem_init() to the end of arch_mm_preinit(). */
export function swiotlbInPreinit(): string {
  if (!PATCHED_V2.includes(IN_MEM_INIT) || !PATCHED_V2.includes(END_OF_PREINIT)) throw new Error('patched-v2.c no longer has the expected mem_init()/arch_mm_preinit()')
  return PATCHED_V2.replace(IN_MEM_INIT, '\tpage_alloc_available = true;\n').replace(END_OF_PREINIT, `\tswiotlb_init(swiotlb, flags);\n${CALL}}`)
}
