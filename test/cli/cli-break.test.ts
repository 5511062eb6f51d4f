/*
 * `bootlab boot --break file.c:line --print 'a,b,f()'`: one line per hit with
 * the printed values, then the boot as usual; bad breakpoints are bad input.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runBoot } from '../../src/cli/bootlab'
import { splitPrintList } from '../../src/cli/break-option'
import { readNamed } from '../../src/node/resources'

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runBoot(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const v2 = readNamed('patched-v2', 'policy').text.split('\n')
const fnLine = v2.findIndex((l) => l.startsWith('int split_kernel_leaf_mapping(')) + 1
const alignLine = v2.findIndex((l, i) => i >= fnLine && /start != PAGE_ALIGN\(start\)/.test(l)) + 1

describe('bootlab boot --break', () => {
  it("docs/debugging.md's sample is what the command prints (its values went stale once)", async () => {
    const doc = readFileSync('docs/debugging.md', 'utf8')
    const command = /```\n(bootlab boot --scenario realm --policy patched-v2 \\\n[^`]+)```/.exec(doc)![1].replace(/\\\n\s*/g, '').trim()
    const sample = /prints, at each hit[^`]*```\n([^`]+)```/.exec(doc)![1].trimEnd()
    const args = command.match(/'[^']*'|\S+/g)!.slice(2).map((a) => a.replace(/^'|'$/g, ''))
    const r = await run(...args)
    expect(r.out.split('\n').slice(0, sample.split('\n').length).join('\n')).toBe(sample)
  })

  it('prints start, end and num_online_cpus() at each hit inside split_kernel_leaf_mapping()', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'patched-v2', '--break', `patched-v2.c:${alignLine}`, '--print', 'start,end,end - start,num_online_cpus()')
    // The boot itself is unchanged: patched-v2 on the realm still fails (exit 2) with its console.
    expect(r.code).toBe(2)
    expect(r.out).toContain('Kernel panic - not syncing')
    const hits = r.out.split('\n').filter((l) => l.startsWith('#'))
    expect(hits.length).toBeGreaterThan(2)
    expect(r.out).toContain(`${hits.length} breakpoint hits`)
    for (const h of hits) expect(h).toMatch(new RegExp(`^#\\d+ patched-v2\\.c:${alignLine} in split_kernel_leaf_mapping\\(\\) \\[statement \\d+, \\w+, W[0-3], \\d CPUs? online, (memblock|buddy)\\]$`))
    // The first hit is the swiotlb pool: the console's own "mapped [mem A-B]" line, seen through __va().
    const m = /software IO TLB: mapped \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\]/.exec(r.out)!
    const va = (pa: string) => (0xffff000000000000n + BigInt(`0x${pa}`) - 0x40000000n).toString(16)
    const first = r.out.slice(r.out.indexOf('#1 '), r.out.indexOf('#2 '))
    expect(first).toMatch(new RegExp(`start = \\d+ \\(0x${va(m[1])}\\)`))
    expect(first).toMatch(new RegExp(`end = \\d+ \\(0x${va(m[2])}\\)`))
    expect(first).toContain(`end - start = ${64 * 2 ** 20} (0x4000000)`)
    expect(first).toContain('num_online_cpus() = 1 (0x1)')
  })

  it('without --print shows the locals; several --break options all stop', async () => {
    const returnLine = v2.findIndex((l, i) => i >= fnLine && /^\treturn ret;/.test(l)) + 1
    const r = await run('--scenario', 'realm', '--policy', 'patched-v2', '--break', `patched-v2.c:${alignLine}`, '--break', `patched-v2.c:${returnLine}`)
    const hits = r.out.split('\n').filter((l) => l.startsWith('#'))
    expect(hits.filter((h) => h.includes(`:${alignLine} `)).length).toBe(hits.filter((h) => h.includes(`:${returnLine} `)).length)
    expect(r.out).toMatch(/^ {2}ret = <uninitialised>$/m)
    expect(r.out).toMatch(/^ {2}ret = 0 \(0x0\)$/m)
  })

  it('with --json the hits go to stderr and stdout is the JSON; with --lab, or on a policy that is not a regular file, it is bad input', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'patched-v2', '--break', `patched-v2.c:${alignLine}`, '--print', 'start', '--json')
    expect(() => JSON.parse(r.out)).not.toThrow()
    expect(r.err).toMatch(/^#1 patched-v2\.c:/m)
    const lab = await run('--lab', '05-move-swiotlb', '--policy', 'series', '--break', `patched-v2.c:${alignLine}`)
    expect(lab.code).toBe(3)
    expect(lab.err).toContain('--break stops in one boot of --scenario: not with --lab')
    const fifo = join(mkdtempSync(join(tmpdir(), 'bootlab-fifo-')), 'fifo.c')
    execFileSync('mkfifo', [fifo])
    const r2 = await run('--scenario', 'realm', '--policy', fifo, '--break', 'fifo.c:3')
    expect(r2.code).toBe(3)
  })

  it('exits 3 for a breakpoint that names no code or an expression that does not parse', async () => {
    const none = await run('--scenario', 'realm', '--policy', 'patched-v2', '--break', 'patched-v2.c:1')
    expect(none.code).toBe(3)
    expect(none.err).toMatch(/--break patched-v2\.c:1: no statement/)
    expect((await run('--scenario', 'realm', '--policy', 'patched-v2', '--break', 'nowhere')).err).toMatch(/file\.c:line/)
    const bad = await run('--scenario', 'realm', '--policy', 'patched-v2', '--break', `patched-v2.c:${alignLine}`, '--print', 'start +')
    expect(bad.code).toBe(3)
    expect(bad.err).toMatch(/--print: in 'start \+'/)
  })

  it('splits --print at top-level commas only', () => {
    expect(splitPrintList('start, end,f(a, b) ,,x')).toEqual(['start', 'end', 'f(a, b)', 'x'])
  })
})
