/*
 * pageattr (src/core/mm/pageattr.ts) against arch/arm64/mm/pageattr.c (kernel reference §5):
 * update_range_prot() walks the range with pageattr_pud_entry()/pageattr_pmd_entry(); a block
 * the walk step covers only in part is WARN_ON_ONCE and -EINVAL, which stops the walk; a
 * block covered whole has its bits rewritten in place and keeps its size.
 *
 * The machine: a host (no realm) with rodata=off, so map_mem() keeps blocks, and
 * linear_map_requires_bbml2 is false, so the series' split_kernel_leaf_mapping() returns 0
 * without splitting (§2, §4). 4 GiB of RAM at PA 1 GiB is VA offset [0, 4 GiB): the offsets
 * 1, 2 and 3 GiB start PUD blocks (1 GiB aligned); [64 MiB, 96 MiB) is one CONT_PMD run of
 * 16 PMD blocks (32 MiB aligned, below the first PUD the kernel image alias breaks up).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { BootResult, MapExtent, ScenarioInput } from '../../../src/core'
import { bootWith, warnSites } from '../../helpers/boot'

const host: ScenarioInput = {
  name: 'host-rodata-off',
  kernel: '6.18.0',
  machine: { ram: [{ base: 0x4000_0000, size: '4G' }], cpus: [{ model: 'neoverse-v3', revision: 'r0p2', count: 2 }], kernelImage: { base: 0x4020_0000, size: '24M' } },
  realm: false,
  cmdline: { rodata: 'off' },
}

const POLICY = `/* Builds on: series */
void __init mem_init(void)
{
	int a, b, c, d;

	page_alloc_available = true;
	swiotlb_update_mem_attributes();
	/* One page inside the PUD block at 1 GiB, twice: */
	a = __change_memory_common(PAGE_OFFSET + 0x40001000, PAGE_SIZE, PTE_RDONLY, 0);
	b = __change_memory_common(PAGE_OFFSET + 0x40200000, PAGE_SIZE, PTE_RDONLY, 0);
	/* The whole PUD block at 2 GiB: */
	c = __change_memory_common(PAGE_OFFSET + 0x80000000, PUD_SIZE, PTE_RDONLY, 0);
	/* The CONT_PMD run at 64 MiB whole, then one page of the next PMD block: */
	d = __change_memory_common(PAGE_OFFSET + 0x4000000, 0x2000000 + PAGE_SIZE, PTE_RDONLY, 0);
	pr_info("pageattr: %d %d %d %d", a, b, c, d);
}
`

let r: BootResult
let final: MapExtent[]
const at = (va: number) => final.find((e) => e.va <= va && va < e.va + e.size)!

beforeAll(async () => {
  r = await bootWith(host, POLICY, 'pageattr.c')
  final = r.snapshots[r.snapshots.length - 1].extents
})

describe('update_range_prot() over blocks', () => {
  it('a partly covered block is -EINVAL (-22); a whole one is changed (0); the walk stops at the partial block', () => {
    expect(r.console.map((l) => l.text)).toContain('pageattr: -22 -22 0 -22')
  })

  it('WARN_ON_ONCE: one WARN per callback for the three partial blocks, none for the whole block', () => {
    expect(warnSites(r)).toEqual(['pageattr_pud_entry', 'pageattr_pmd_entry'])
  })

  it('the whole PUD block is rewritten in place: still one 1 GiB PUD leaf, now read-only', () => {
    expect(at(0x8000_0000)).toMatchObject({ va: 0x8000_0000, pa: 0xc000_0000, size: 2 ** 30, leaf: 'PUD', readOnly: true, valid: true })
  })

  it('the partly covered PUD block is left as it was', () => {
    expect(at(0x4000_1000)).toMatchObject({ va: 0x4000_0000, size: 2 ** 30, leaf: 'PUD', readOnly: false })
  })

  it('the walk changed the 16 PMDs before the partial one and nothing after: the run stays CONT_PMD', () => {
    expect(at(0x400_0000)).toMatchObject({ va: 0x400_0000, size: 0x200_0000, leaf: 'CONT_PMD', readOnly: true })
    expect(at(0x600_0000)).toMatchObject({ va: 0x600_0000, leaf: 'CONT_PMD', readOnly: false })
    expect(r.counters.splits).toEqual({ pud: 0, contPmd: 0, pmd: 0, contPte: 0 })
    expect(r.faults.filter((f) => f.kind === 'broken-contiguous-hint')).toEqual([])
  })
})
