/*
 * `bootlab boot ... --report <file>`: the format comes from the extension, the
 * --compare boot adds its summary and is what the patch is against, a wrong
 * extension is bad input (3) and a report that cannot be written exits 4.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runBoot } from '../../src/cli/bootlab'
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
    expect(markdown).toContain('`moved.c.patch`, against `patched-v2.c`')
    expect(markdown).toMatch(/```diff\ndiff --git a\/moved\.c b\/moved\.c\n/)
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
