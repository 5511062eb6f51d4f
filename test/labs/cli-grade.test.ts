/*
 * The command line grades: `boot --lab <id|path> --policy <file>` exits 0 when
 * every goal passes, 1 when some fail, 3 on bad input; --json gives every goal.
 */
import { mkdirSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { runBoot } from '../../src/cli/bootlab'
import type { LabGrade } from '../../src/labs'

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runBoot(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const dir = mkdtempSync(join(tmpdir(), 'bootlab-grade-'))
function file(name: string, text: string): string {
  const p = join(dir, name)
  mkdirSync(join(p, '..'), { recursive: true })
  writeFileSync(p, text)
  return p
}

describe('bootlab boot --lab', () => {
  it('exits 0 when every goal passes', async () => {
    const r = await run('--lab', '05-move-swiotlb', '--policy', 'labs/05-move-swiotlb/solution.c')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^PASS {2}\[3\] the pool is shared in W1$/m)
    expect(r.out).toMatch(/^ALL GOALS PASSED \(score 9\/9\)$/m)
    // Its machines read "(failed)": the lab's expectedVerdict note says that is the point.
    const note = (parseYaml(readFileSync('labs/05-move-swiotlb/lab.yaml', 'utf8')) as { expectedVerdict: { note: string } }).expectedVerdict.note.replace(/\s+/g, ' ').trim()
    expect(r.out).toMatch(/realm \(failed\)/)
    expect(r.out.split('\n').at(-1)).toBe(`expected: ${note}`)
  })

  it('exits 1 when some goal fails, with why and the evidence', async () => {
    const r = await run('--lab', '05-move-swiotlb', '--policy', 'labs/05-move-swiotlb/start.c')
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/^FAIL {2}\[3\] the pool is shared in W1$/m)
    expect(r.out).toContain('      why: mem_init() runs right after memblock_free_all()')
    // The same evidence on several machines is printed once, with the machines it holds on.
    expect(r.out).toContain(
      '      - swiotlb default pool (swiotlb_update_mem_attributes() in W0 on CPU0) returned -16 (EBUSY), outcome error; expected outcome ok, window W1\n        on 6 machines: realm, realm-mixed, realm-seed20260330-1, realm-seed20260330-2, realm-seed20260330-3, realm-seed20260330-4',
    )
    expect(r.out.match(/returned -16 \(EBUSY\), outcome error; expected outcome ok, window W1$/gm)).toHaveLength(1)
  })

  it('prints every goal result as JSON with --json', async () => {
    const r = await run('--lab', '05-move-swiotlb', '--policy', 'labs/05-move-swiotlb/start.c', '--json')
    expect(r.code).toBe(1)
    const grade = JSON.parse(r.out) as LabGrade
    expect(grade.labId).toBe('05-move-swiotlb')
    expect(grade.goals.map((g) => [g.name, g.passed])).toContainEqual(['the pool is shared in W1', false])
    expect(grade.goals.every((g) => typeof g.message === 'string' && Array.isArray(g.evidence))).toBe(true)
  })

  it('takes a lab folder by path', async () => {
    expect((await run('--lab', 'labs/02-bbml2-repaint', '--policy', 'unpatched')).code).toBe(0)
  })

  it('exits 1 for a policy that does not compile: a submission that fails its goals', async () => {
    const r = await run('--lab', '05-move-swiotlb', '--policy', file('broken.c', 'int split_kernel_leaf_mapping(unsigned long s, unsigned long e) { return ; \n'))
    expect(r.code).toBe(1)
  })

  it('exits 3 for an unknown lab', async () => {
    const r = await run('--lab', '99-no-such-lab', '--policy', 'series')
    expect(r.code).toBe(3)
    expect(r.err).toContain("no lab '99-no-such-lab' (bootlab labs lists them")
  })

  it('exits 3 for an invalid lab, naming file, line and field', async () => {
    const lab = join(dir, '42-broken')
    file('42-broken/lab.yaml', 'id: 42-broken\ntitle: Broken\norder: 42\nkind: fix\nsummary: s\nscenarios: [realm]\ngoals: []\ncolour: red\n')
    const r = await run('--lab', lab, '--policy', 'series')
    expect(r.code).toBe(3)
    expect(r.err).toContain('42-broken/lab.yaml:8: colour: unknown field')
  })

  it('exits 3 for a missing policy file', async () => {
    expect((await run('--lab', '05-move-swiotlb', '--policy', join(dir, 'missing.c'))).code).toBe(3)
  })

  it('exits 3 when --lab is mixed with --scenario or lacks --policy', async () => {
    expect((await run('--lab', '05-move-swiotlb', '--policy', 'series', '--scenario', 'realm')).code).toBe(3)
    expect((await run('--lab', '05-move-swiotlb')).code).toBe(3)
  })
})
