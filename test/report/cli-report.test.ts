/*
 * `bootlab boot ... --report <file>`: the format comes from the extension, the
 * --compare boot adds its summary and is what the patch is against, a wrong
 * extension is bad input (3) and a report that cannot be written exits 4. A
 * lab's report carries its graded goals and is patched against its start.c.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runBoot } from '../../src/cli/bootlab'
import { writeLabReport } from '../../src/cli/report-option'
import { gradePolicy, loadLab } from '../../src/labs'
import { loadLabCompiler } from '../../src/node/kernel-policy'
import { readLabFolder } from '../../src/node/lab-folder'
import { labDir, readKernelResources } from '../../src/node/resources'
import { readNamed } from '../../src/node/resources'
import { swiotlbInPreinit } from './policies'

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runBoot(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const dir = mkdtempSync(join(tmpdir(), 'bootlab-cli-report-'))

describe('bootlab boot --report', () => {
  it('writes an HTML report, keeping the boot exit status', async () => {
    const target = join(dir, 'series.html')
    const r = await run('--scenario', 'realm', '--policy', 'series', '--report', target, '--learner', 'Ada')
    expect(r.code).toBe(0)
    expect(r.out).toContain(`report written to ${target}`)
    const html = readFileSync(target, 'utf8')
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<dt>Learner</dt><dd>Ada</dd>')
    expect(html).toContain('<p class="verdict booted">')
    expect(html).not.toContain('<section id="compare">')
  })

  it('writes Markdown with the compare summary and the patch against the --compare policy', async () => {
    const policy = join(dir, 'moved.c')
    writeFileSync(policy, swiotlbInPreinit())
    const target = join(dir, 'moved.md')
    const r = await run('--scenario', 'realm', '--policy', policy, '--compare', 'patched-v2', '--report', target, '--json')
    expect(r.code).toBe(2)
    // With --json, stdout stays pure JSON; the note goes to stderr.
    expect(JSON.parse(r.out).divergence.left.stepFn).toBe('arch_mm_preinit')
    expect(r.err).toContain(`report written to ${target}`)
    const markdown = readFileSync(target, 'utf8')
    expect(markdown).toContain('- Learner: unnamed learner')
    expect(markdown).toContain('## Compare')
    expect(markdown).toContain('[moved.policy.patch](moved.policy.patch), against `patched-v2.c`')
    expect(markdown).toMatch(/```diff\ndiff --git a\/moved\.c b\/moved\.c\n/)
    // A folder: the pictures and the patch beside the .md, named after it, under the names it links.
    expect(readFileSync(join(dir, 'moved.policy.patch'), 'utf8')).toMatch(/^diff --git a\/moved\.c b\/moved\.c\n/)
    expect(markdown).toContain('](moved.timeline.svg)')
    expect(readFileSync(join(dir, 'moved.timeline.svg'), 'utf8')).toMatch(/^<svg /)
    expect(readFileSync(join(dir, 'moved.map-1-after-map_mem.svg'), 'utf8')).toMatch(/^<svg /)
    expect(markdown).toContain('## ptdump of the final map')
  })

  it("two Markdown reports in one folder keep their own pictures; a report written again leaves none of its old companions it no longer links", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'bootlab-two-reports-'))
    const moved = join(folder, 'moved.c')
    writeFileSync(moved, swiotlbInPreinit())
    expect((await run('--scenario', 'realm', '--policy', moved, '--compare', 'patched-v2', '--report', join(folder, 'a.md'))).code).toBe(2)
    const aTimeline = readFileSync(join(folder, 'a.timeline.svg'), 'utf8')
    expect((await run('--scenario', 'host', '--policy', 'patched-v2', '--report', join(folder, 'b.md'))).code).toBe(0)
    // b's boot did not overwrite a's pictures; each report links only its own files.
    expect(readFileSync(join(folder, 'a.timeline.svg'), 'utf8')).toBe(aTimeline)
    for (const name of ['a', 'b']) {
      const links = [...readFileSync(join(folder, `${name}.md`), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1])
      expect(links.length, name).toBeGreaterThan(1)
      for (const link of links) {
        expect(link.startsWith(`${name}.`), link).toBe(true)
        expect(existsSync(join(folder, link)), link).toBe(true)
      }
    }
    // a written again for an unchanged policy: its old patch is gone, not left to be mistaken for this one's.
    expect(existsSync(join(folder, 'a.policy.patch'))).toBe(true)
    await run('--scenario', 'realm', '--policy', 'patched-v2', '--compare', 'patched-v2', '--report', join(folder, 'a.md'))
    expect(existsSync(join(folder, 'a.policy.patch'))).toBe(false)
    expect(existsSync(join(folder, 'b.timeline.svg'))).toBe(true)
  })

  it('refuses a file that is neither .html nor .md before booting', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'series', '--report', join(dir, 'report.pdf'))
    expect(r.code).toBe(3)
    expect(r.err).toBe(`bootlab: --report ${join(dir, 'report.pdf')}: the file must end in .html or .md (that picks the format)`)
    expect(r.out).toBe('')
  })

  it('exits 4 and says why when the report cannot be written', async () => {
    const target = join(dir, 'no-such-folder', 'report.md')
    const r = await run('--scenario', 'realm', '--policy', 'series', '--report', target)
    expect(r.code).toBe(4)
    expect(r.err).toMatch(new RegExp(`^bootlab: could not write ${target}: ENOENT`))
  })
})

describe('bootlab boot --lab --report', () => {
  it('grades, then writes the lab report; the grade decides the exit status', async () => {
    const target = join(dir, 'lab-05.html')
    const r = await run('--lab', '05-move-swiotlb', '--policy', join(labDir('05-move-swiotlb'), 'start.c'), '--report', target, '--learner', 'Ada')
    expect(r.code).toBe(1)
    expect(r.out).toContain(`report written to ${target}`)
    const html = readFileSync(target, 'utf8')
    expect(html).toContain('<dt>Lab</dt><dd>05-move-swiotlb</dd>')
    expect(html).toContain('<span class="fail">✘ FAIL</span>')
    expect(html).toContain('The policy is the starting policy, <code>start.c</code>, unchanged: there is nothing to patch.')
    // start.c against itself says nothing: no compare section (it printed "the two boots are identical").
    expect(html).not.toContain('<section id="compare">')
  })
})

describe('writeLabReport', () => {
  it("writes a lab's graded goals, its questions, the patch against start.c and the start-vs-learner comparison", async () => {
    const lab = loadLab(readLabFolder(labDir('05-move-swiotlb')).folder!, readKernelResources()).lab!
    const policy = readNamed(join(labDir('05-move-swiotlb'), 'solution.c'), 'policy')
    const { grade } = gradePolicy(lab, policy, await loadLabCompiler())
    const target = join(dir, 'lab.md')
    const notes: string[] = []
    expect(await writeLabReport({ path: target, learner: 'Ada', lab, grade, policy }, (s) => notes.push(s), (s) => notes.push(s))).toBe(true)
    expect(notes).toEqual([`report written to ${target}`])
    const markdown = readFileSync(target, 'utf8')
    expect(markdown).toMatch(/^# Move swiotlb\\_update\\_mem\\_attributes\(\)\n/)
    expect(markdown).toContain('- Lab: 05-move-swiotlb')
    expect(markdown).toContain(`Score: **${grade.score} / ${grade.total}**`)
    expect(markdown).toContain('| the pool is shared in W1 | 3 | ✅ pass |')
    expect(markdown).toContain('[lab.policy.patch](lab.policy.patch), against `start.c`')
    expect(markdown).toContain('- Left: `start` on realm')
    expect(markdown).toContain('- Right: `solution` on realm')
    expect(markdown.match(/> \*\(no answer\)\*/g)).toHaveLength(lab.questions.length)
    // The solution's boot still fails, as lab 5 says it must: the verdict says so under the red FAILED.
    expect(markdown).toMatch(/\*\*FAILED\*\*: .*\n\n\*expected: the realm now gets further and faults at the first swiotlb bounce/)
  })
})
