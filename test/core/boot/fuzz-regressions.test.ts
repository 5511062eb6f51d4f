/*
 * Inputs the policy fuzzer (test/fuzz) found escaping boot() as exceptions or
 * hanging it. Each now ends as the kernel would end, or as a located policy
 * error; the last test covers the net for failures of the model not yet found.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { NATIVE_ROWS } from '../../../src/core/boot/natives'
import type { NativeRow } from '../../../src/core/kernel/native-row'
import { bootWith } from '../../helpers/boot'
import { MAP_AGAIN } from '../../helpers/runaways'

const lastError = (r: Awaited<ReturnType<typeof bootWith>>) => r.diagnostics.filter((d) => d.severity === 'error').at(-1)

describe('found by fuzzing', () => {
  it('set_pageattr_masks() given a lock instead of the walk: error at the call, not a TypeError', async () => {
    const r = await bootWith('host', 'void __init mem_init(void)\n{\n\tunsigned long v = set_pageattr_masks(0, &pgtable_split_lock);\n}\n', 'masks.c')
    expect(lastError(r)).toMatchObject({ file: 'masks.c', line: 3, code: 'runtime', message: 'argument 2 of set_pageattr_masks() must be the struct mm_walk * of the walk, not ref' })
  })

  it.each(MAP_AGAIN.map((r) => [r.what, r] as const))('%s is an error at the second call', async (_what, runaway) => {
    const r = await bootWith(runaway.scenario, runaway.text, runaway.file)
    expect(lastError(r)).toMatchObject({ file: 'twice.c', line: 4, code: 'runtime', message: 'map_memblock_ranges() already mapped RAM in this boot: paging_init() maps it once' })
  })

  it.each([
    ['unaligned', '0x1234'],
    ['the realm\'s shared (NS) alias, outside RAM', 'PROT_NS_SHARED'],
  ])('split_pgtable_alloc() returning an address that cannot be a table (%s): error at the split, not an exception', async (_what, value) => {
    const r = await bootWith('realm', `phys_addr_t split_pgtable_alloc(void)\n{\n\treturn ${value};\n}\n`, 'table.c')
    expect(r.verdict.status).toBe('policy-error')
    expect(lastError(r)!.code).toBe('runtime')
    expect(lastError(r)!.message).toMatch(/^split_pgtable_alloc\(\) returned 0x[0-9a-f]+, which is not a page-aligned address of RAM$/)
  })

  it.each([
    ['a negative size', '-1', -22n],
    ['a size past the end of the linear map', '0x7fffffffffffffff', -22n],
    ['no pages', '0', 0n],
    ['less than a page (GFP_ATOMIC, 0xa20: its last page was looked up a page before the start; part of a block, so the walk refuses)', 'GFP_ATOMIC', -22n],
  ])('__change_memory_common() with %s returns, instead of walking outside the 48-bit space', async (_what, size, ret) => {
    const r = await bootWith('host', `void __init mem_init(void)\n{\n\tint ret = __change_memory_common(PAGE_OFFSET, ${size}, 0, 0);\n\tpr_info("ret=%d\\n", ret);\n}\n`, 'range.c')
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(r.console.map((l) => l.text)).toContain(`ret=${ret}`)
  })

  it('__change_memory_common() with a mask no descriptor can take: error at the call, not a model failure', async () => {
    const r = await bootWith('host', 'void __init mem_init(void)\n{\n\tint ret;\n\tret = __change_memory_common(PAGE_OFFSET, PAGE_SIZE, 0, -1);\n}\n', 'mask.c')
    expect(lastError(r)).toMatchObject({ file: 'mask.c', line: 4, code: 'runtime' })
    expect(lastError(r)!.message).toMatch(/^__change_memory_common\(\): cannot clear fixed kernel bits 0x/)
  })
})

describe('a failure of the model itself', () => {
  // A native the base kernel never calls on the host, so only the policy's call reaches it.
  const row = NATIVE_ROWS.find((r) => r.name === 'is_kfence_address') as NativeRow
  const impl = row.impl
  afterEach(() => {
    row.impl = impl
  })

  it('is an internal diagnostic at the policy call that reached it, never an exception out of boot()', async () => {
    row.impl = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'clear')")
    }
    const r = await bootWith('host', 'void __init mem_init(void)\n{\n\tbool kfence;\n\tkfence = is_kfence_address(4096);\n}\n', 'model.c')
    expect(r.verdict.status).toBe('policy-error')
    expect(lastError(r)).toMatchObject({
      file: 'model.c',
      line: 4,
      code: 'internal',
      message: "is_kfence_address() failed inside the simulator (Cannot read properties of undefined (reading 'clear')); please report this with your policy",
    })
  })
})
