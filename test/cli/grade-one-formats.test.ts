/*
 * `--policy <file> --format gradescope|junit` grades one hand-in (what the Gradescope
 * autograder's run_autograder calls): it must say what `--policy-dir` says of the same file
 * in a class, and exit 0 only when the hand-in passes. An empty file on an explore lab (whose
 * start passes the goals) was reported as an error yet exited 0, and a policy stopped by its
 * step budget lost the line that stopped it.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { labDir } from '../../src/node/resources'

const ROOT = join(import.meta.dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'bootlab-grade-one-'))

function bootlab(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bootlab.ts', 'boot', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

/** A class folder holding `files`; each line of its Gradescope output by file. */
function classResults(lab: string, files: Record<string, string>) {
  const folder = join(dir, `${lab}-class`)
  mkdirSync(folder)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text)
  const r = bootlab('--lab', lab, '--policy-dir', folder, '--format', 'gradescope', '--jobs', '1')
  const byFile = new Map<string, unknown>()
  for (const line of r.out.split('\n').filter(Boolean)) {
    const parsed = JSON.parse(line) as { output: string }
    byFile.set(parsed.output.split(':')[0], parsed)
  }
  return { code: r.code, byFile, folder }
}

describe('one hand-in graded in a grader format says what the class grader says', () => {
  it('an empty file on an explore lab is an error with exit 1, in Gradescope and JUnit alike', () => {
    const lab = '01-linear-map-tour'
    // The lab's start passes its goals: an empty hand-in would pass too, were it graded.
    expect(bootlab('--lab', lab, '--policy', join(labDir(lab), 'start.c'), '--format', 'gradescope').code).toBe(0)
    const klass = classResults(lab, { 'empty.c': ' \n' })
    const one = bootlab('--lab', lab, '--policy', join(klass.folder, 'empty.c'), '--format', 'gradescope')
    expect(JSON.parse(one.out)).toEqual(klass.byFile.get('empty.c'))
    expect(one.code).toBe(1)
    expect(klass.code).toBe(1)
    const junit = bootlab('--lab', lab, '--policy', join(klass.folder, 'empty.c'), '--format', 'junit')
    expect(junit.out).toMatch(/<error message="is empty/)
    expect(junit.code).toBe(1)
    // --json and the terminal grade it the same: nothing earned (it scored what the base kernel scores), each goal saying why.
    const json = bootlab('--lab', lab, '--policy', join(klass.folder, 'empty.c'), '--json')
    const grade = JSON.parse(json.out) as { passed: boolean; score: number; goals: { passed: boolean; evidence: string[] }[] }
    expect({ passed: grade.passed, score: grade.score, code: json.code }).toEqual({ passed: false, score: 0, code: 1 })
    for (const g of grade.goals) expect(g).toMatchObject({ passed: false, evidence: [expect.stringMatching(/^is empty/)] })
    const human = bootlab('--lab', lab, '--policy', join(klass.folder, 'empty.c'), '--no-color')
    expect(human.code).toBe(1)
    expect(human.out).toMatch(/is empty/)
  }, 240_000)

  it('a policy stopped at run time names its line, and one that does not compile reads the same as in the class', () => {
    const lab = '05-move-swiotlb'
    const files = {
      'loop.c': 'void __init mem_init(void)\n{\n\tint i = 0;\n\twhile (1)\n\t\ti++;\n}\n',
      'broken.c': 'void __init mem_init(void)\n{\n\tswiotlb_update_mem_attributes()\n}\n',
    }
    const klass = classResults(lab, files)
    for (const name of Object.keys(files)) {
      const one = bootlab('--lab', lab, '--policy', join(klass.folder, name), '--format', 'gradescope')
      expect(one.code, name).toBe(1)
      expect(JSON.parse(one.out), name).toEqual(klass.byFile.get(name))
    }
    expect((klass.byFile.get('loop.c') as { output: string }).output).toMatch(/policy error at loop\.c:5:\d+: .*step budget/)
    expect(readFileSync(join(klass.folder, 'loop.c'), 'utf8')).toBe(files['loop.c'])
  }, 180_000)
})
