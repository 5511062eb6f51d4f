/*
 * The timeline and memory-map SVGs: well-formed, deterministic, escaped, and
 * bounded in size however many extents a map has.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { type BootResult, type MapExtent, type MapSnapshot, phys, virt } from '../../src/core'
import { regionsOf } from '../../src/report/map-model'
import { kernelImageAlias, memoryMapSvg } from '../../src/report/svg-memory-map'
import { timelineSvg } from '../../src/report/svg-timeline'
import { bootNamed, bootWith } from '../helpers/boot'
import { swiotlbInPreinit } from './policies'
import { xmlProblem } from './xml'

const count = (svg: string, pattern: RegExp) => svg.match(pattern)?.length ?? 0

describe('xmlProblem (the test checker itself)', () => {
  it('accepts well-formed XML and rejects the usual mistakes', () => {
    expect(xmlProblem('<svg a="1"><g><title>x &amp; y</title></g><rect/></svg>')).toBeNull()
    expect(xmlProblem('<svg><g></svg>')).toMatch(/does not close/)
    expect(xmlProblem('<svg><title>a < b</title></svg>')).toMatch(/starts no tag/)
    expect(xmlProblem('<svg><title>a & b</title></svg>')).toMatch(/stray &/)
    expect(xmlProblem('<svg a=1></svg>')).toMatch(/malformed attributes/)
    expect(xmlProblem('<svg a="1" a="2"></svg>')).toMatch(/duplicate attribute/)
  })
})

describe('timelineSvg', () => {
  let realm: BootResult
  let warned: BootResult

  beforeAll(async () => {
    realm = await bootNamed('realm', 'patched-v2')
    warned = await bootWith('realm', swiotlbInPreinit(), 'preinit <&> "x".c')
  })

  it('is well-formed, with a title and a description', () => {
    for (const r of [realm, warned]) {
      const svg = timelineSvg(r, { cursorStep: 3, divergenceStep: 11 })
      expect(xmlProblem(svg)).toBeNull()
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img"/)
      expect(svg).toContain(`<title>Boot timeline: ${r.policyName.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')} on realm</title>`)
      expect(svg).toMatch(/<desc>\d+ boot steps; black-out 1 \(before the page allocator\) from setup_arch\(\) to memblock_free_all\(\); black-out 2/)
    }
  })

  it('is deterministic: the same boot, booted twice, draws the same bytes', async () => {
    const again = await bootNamed('realm', 'patched-v2')
    expect(timelineSvg(again)).toBe(timelineSvg(realm))
  })

  it('escapes text taken from the boot', () => {
    const svg = timelineSvg(warned)
    expect(svg).toContain('preinit &lt;&amp;&gt; &quot;x&quot;')
    expect(svg).not.toContain('preinit <&>')
  })

  it('has one column per step, both black-out windows and each call marked by outcome', () => {
    const svg = timelineSvg(warned)
    expect(count(svg, /class="step" data-step="\d+"/g)).toBe(warned.steps.length)
    expect(count(svg, /class="blackout"/g)).toBe(2)
    expect(svg).toContain('black-out 1: before the page allocator')
    expect(svg).toContain('black-out 2: secondaries online, caps not final')
    expect(svg).toMatch(/<title>swiotlb default pool — swiotlb_update_mem_attributes\(\): error \(EBUSY\)<\/title>/)
    expect(svg).toMatch(/<title>GIC ITS command queue — its_alloc_pages_node\(\): ok<\/title>/)
    expect(svg).toMatch(/<title>caps finalized at setup_system_features\(\): BBML2_NOABORT on every CPU<\/title>/)
    expect(svg).toMatch(/<title>WARN at split_kernel_leaf_mapping \(preinit &lt;&amp;&gt; &quot;x&quot;\.c:\d+\)<\/title>/)
    for (const label of ['memblock', 'buddy', '1 CPU', '4 CPUs', 'W0', 'W3']) expect(svg).toContain(`>${label}</text>`)
  })

  it('caps the calls lane on a machine with hundreds of calls in one step, worst outcomes first', async () => {
    const svg = timelineSvg(await bootNamed('host-1t', 'series'))
    expect(xmlProblem(svg)).toBeNull()
    expect(svg).toMatch(/>\+25\d<\/text>/)
  })
})

describe('memoryMapSvg', () => {
  const pmd = 0x200000
  const extent = (va: number, size: number, over: Partial<MapExtent> = {}): MapExtent => ({
    va: virt(va),
    pa: phys(va + 0x40000000),
    size,
    leaf: 'PMD',
    valid: true,
    shared: false,
    readOnly: false,
    noExec: true,
    ...over,
  })

  it('draws every snapshot of a realm boot well-formed, with the kernel image, shared and invalid ranges marked', async () => {
    const r = await bootNamed('realm', 'patched-v2')
    const image = kernelImageAlias(r)
    expect(image).toEqual({ va: 0x200000, size: 24 << 20 })
    for (const s of r.snapshots) expect(xmlProblem(memoryMapSvg(s, { kernelImage: image }))).toBeNull()
    const last = memoryMapSvg(r.snapshots[r.snapshots.length - 1], { kernelImage: image })
    expect(last).toContain('<title>Linear map end of boot (step 33)</title>')
    expect(count(last, /<title>shared with the host \(NS\)<\/title>/g)).toBeGreaterThan(0)
    expect(count(last, /<title>invalid leaves<\/title>/g)).toBeGreaterThan(0)
    expect(count(last, /class="kernel-image"/g)).toBeGreaterThan(0)
    // Marks concentrated in a small part of a region get a zoomed detail bar: the pool alone, after mem_init.
    const afterMemInit = memoryMapSvg(r.snapshots.find((s) => s.label === 'after mem_init')!, { kernelImage: image })
    expect(afterMemInit).toContain('detail: ')
    for (const kind of ['PUD', 'CONT_PMD', 'PMD', 'CONT_PTE', 'PTE']) expect(last).toContain(`>${kind}</text>`)
  })

  it('is deterministic', async () => {
    const [a, b] = [await bootNamed('realm', 'series'), await bootNamed('realm', 'series')]
    expect(memoryMapSvg(b.snapshots[3])).toBe(memoryMapSvg(a.snapshots[3]))
  })

  it('draws one bar per RAM region: a hole in the linear map starts a new one', () => {
    const snapshot: MapSnapshot = { step: 0, ptdump: [], label: 'two banks', extents: [extent(0, 4 * pmd), extent(8 * pmd, 2 * pmd, { leaf: 'PTE' })] }
    expect(regionsOf(snapshot.extents).map((r) => r.last - r.first)).toEqual([1, 1])
    const svg = memoryMapSvg(snapshot)
    expect(count(svg, /<g class="region"/g)).toBe(2)
    expect(svg).toContain('RAM 0x40000000–0x407fffff (8 MiB) at VA ffff000000000000')
  })

  it('merges sub-pixel extents: 200,000 alternating 4 KiB leaves give at most a few rectangles per pixel column', () => {
    const extents: MapExtent[] = []
    for (let i = 0; i < 200_000; i++) extents.push(extent(i * 4096, 4096, { leaf: i % 2 ? 'PTE' : 'CONT_PTE', shared: i % 1000 === 0 }))
    const svg = memoryMapSvg({ step: 0, ptdump: [], label: 'fragmented', extents }, { barWidth: 600 })
    expect(xmlProblem(svg)).toBeNull()
    // One bar of 600 px, plus shared marks that merge where they touch.
    expect(count(svg, /<rect /g)).toBeLessThan(3 * 600)
    expect(svg).toContain('several leaf kinds, finest PTE')
  })

  it('highlights the given ranges', () => {
    const svg = memoryMapSvg({ step: 0, ptdump: [], label: 'x', extents: [extent(0, 512 * pmd, { leaf: 'PUD' })] }, { highlight: [{ va: 3 * pmd, size: 4096 }] })
    expect(count(svg, /<title>differs from the compared boot<\/title>/g)).toBe(2)
  })
})
