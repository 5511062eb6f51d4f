/*
 * `bootlab boot --ptdump [--step <fn>]`: the linear map in the kernel's kernel_page_tables
 * format (the format itself is checked line by line in test/core/pgtable/ptdump.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { runBoot } from '../../src/cli/bootlab'

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runBoot(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out, err: err.join('\n') }
}

/** note_page()'s line: start-end VA, %9lu%c size, level, then the attribute columns (none for a hole). */
const LINE = /^0x(ffff[0-9a-f]{12})-0x(ffff[0-9a-f]{12}) {3}[ 0-9]{8}\d[KMGTPE] (PGD|PUD|PMD|PTE)(.*)$/
const level = (line: string) => LINE.exec(line)?.[3]

describe('bootlab boot --ptdump', () => {
  it('prints the end-of-boot map between the Linear Mapping markers, contiguous from PAGE_OFFSET to PAGE_END', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'series', '--ptdump')
    expect(r.code).toBe(0)
    expect(r.out[0]).toBe('---[ Linear Mapping start ]---')
    expect(r.out[r.out.length - 1]).toBe('---[ Linear Mapping end ]---')
    const body = r.out.slice(1, -1)
    for (const line of body) expect(line).toMatch(LINE)
    const ranges = body.map((l) => LINE.exec(l)!.slice(1, 3).map((h) => BigInt('0x' + h)))
    expect(ranges[0][0]).toBe(0xffff000000000000n)
    expect(ranges[ranges.length - 1][1]).toBe(0xffff800000000000n)
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1])
    expect(r.out.join('\n')).not.toContain('Run /sbin/init')
  })

  it('shows the swiotlb pool shared with the host: its unaligned edges are PTE runs between PMD runs, with NS lines', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'series', '--ptdump')
    const levels = r.out.slice(1, -1).map(level).join(' ')
    expect(levels).toMatch(/PMD( PTE)+ PMD/)
    expect(r.out.some((l) => l.endsWith(' NS'))).toBe(true)
  })

  it('--step map_mem: the map as map_mem left it, nothing shared yet', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'series', '--ptdump', '--step', 'map_mem')
    expect(r.code).toBe(0)
    expect(r.out[0]).toBe('---[ Linear Mapping start ]---')
    expect(r.out.some((l) => l.endsWith(' NS'))).toBe(false)
  })

  it('refuses an unknown step, a step before the linear map exists, and --step without --ptdump (exit 3)', async () => {
    const unknown = await run('--scenario', 'realm', '--policy', 'series', '--ptdump', '--step', 'no_such_fn')
    expect(unknown.code).toBe(3)
    expect(unknown.err).toContain('--step no_such_fn: this boot has no step of that name (it ran ')
    // A near miss gets the step it means instead of the whole list.
    const near = await run('--scenario', 'realm', '--policy', 'series', '--ptdump', '--step', 'mem_ini')
    expect(near.err).toBe("bootlab: --step mem_ini: this boot has no step of that name; did you mean 'mem_init'?")
    const early = await run('--scenario', 'realm', '--policy', 'series', '--ptdump', '--step', 'parse_early_param')
    expect(early.code).toBe(3)
    expect(early.err).toContain('the linear map does not exist yet')
    expect((await run('--scenario', 'realm', '--policy', 'series', '--step', 'map_mem')).code).toBe(3)
    expect((await run('--scenario', 'realm', '--policy', 'series', '--ptdump', '--json')).code).toBe(3)
  })

  it('--compare prints a line diff: common lines, then the ranges only one boot maps that way', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'unpatched', '--compare', 'series', '--ptdump')
    expect(r.out[0]).toBe(' ---[ Linear Mapping start ]---')
    expect(r.out[r.out.length - 1]).toBe(' ---[ Linear Mapping end ]---')
    for (const line of r.out) expect(line.slice(1)).toMatch(/^---\[|^0x/)
    const shared = (sign: string) => r.out.filter((l) => l.startsWith(sign) && l.endsWith(' NS')).length
    // The series also shares the swiotlb pool, whose edges split to PTEs: more shared lines.
    expect(shared('+')).toBeGreaterThan(shared('-'))
  })
})
