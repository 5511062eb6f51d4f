/*
 * The command lines of every lab README work where the README says to run
 * them: in the lab's folder of a course made by `bootlab init`, and in
 * labs/<id>/ of a checkout (issue 17: the READMEs used to say
 * `cp labs/05-…/start.c lab5.c`, which fails from the installed package).
 * Each `bootlab boot` line is run through the `bootlab` dispatcher in both folders and
 * must not be refused as bad input (exit 3); boots may fail (exit 2) and
 * grades may fail (exit 1): that is the lab's starting point.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PLAIN } from '../../src/cli/style'
import { main } from '../../src/cli/main'

const ROOT = resolve(import.meta.dirname, '../..')
const LABS = readdirSync(join(ROOT, 'labs')).filter((id) => existsSync(join(ROOT, 'labs', id, 'README.md'))).sort()
const home = process.cwd()
afterAll(() => process.chdir(home))

/** The `bootlab …` lines of the README's sh block, without comments and redirections. */
function commands(id: string): string[][] {
  const readme = readFileSync(join(ROOT, 'labs', id, 'README.md'), 'utf8')
  const block = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? ''
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').replace(/\s*>.*$/, '').trim())
    .filter((l) => l.startsWith('bootlab '))
    .map((l) => l.split(/\s+/).slice(1))
}

async function runIn(dir: string, args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = []
  process.chdir(dir)
  try {
    const code = await main(args, () => {}, (s) => void err.push(s), { style: PLAIN })
    return { code, err: err.join('\n') }
  } finally {
    process.chdir(home)
  }
}

describe('the lab READMEs\' command lines', () => {
  const course = join(mkdtempSync(join(tmpdir(), 'bootlab-readme-')), 'course')

  it('every README has bootlab boot lines for its own lab, no cp of start.c', () => {
    for (const id of LABS) {
      const lines = commands(id)
      expect(lines.length, id).toBeGreaterThan(1)
      expect(lines.some((a) => a[0] === 'boot' && a.includes('--lab') && a[a.indexOf('--lab') + 1] === id), id).toBe(true)
      expect(readFileSync(join(ROOT, 'labs', id, 'README.md'), 'utf8'), id).not.toMatch(/^cp labs\//m)
    }
  })

  it('bootlab init makes the course they run in', async () => {
    const r = await runIn(tmpdir(), ['init', course])
    expect(r.code, r.err).toBe(0)
  })

  for (const id of LABS) {
    it(`${id}: each boot line runs in the course folder and in the checkout (never exit 3)`, async () => {
      for (const args of commands(id).filter((a) => a[0] === 'boot')) {
        for (const dir of [join(course, id), join(ROOT, 'labs', id)]) {
          const r = await runIn(dir, args)
          expect([0, 1, 2], `bootlab ${args.join(' ')} in ${dir}: ${r.err}`).toContain(r.code)
        }
      }
    }, 120_000)
  }
})
