/*
 * The names a lab's goals use, checked against what the lab's own boots know (src/labs/check.ts):
 * every bundled lab's names are sound, and each misspelling the review found (a WARN site, a
 * caller, a boot step, a breakpoint's function, a breakpoint expression that does not compile)
 * is named at its manifest field, with the nearest known name. Before, the misspelt WARN site
 * made a `present: false` goal pass for lab 5's start.c, which fires that WARN.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../../src/cli/main'
import { describe, expect, it } from 'vitest'
import { checkLab, type LabError } from '../../src/labs'
import { loadLabCompiler } from '../../src/node/kernel-policy'
import { editedFolder, load, loadBundled, manifestOf } from './lab-fixtures'

async function namesOf(id: string, from: string, to: string): Promise<LabError[]> {
  const text = manifestOf(id)
  expect(text).toContain(from)
  const loaded = load(editedFolder(id, { 'lab.yaml': text.replace(from, to) }))
  expect(loaded.errors).toEqual([])
  return checkLab(loaded.lab!, await loadLabCompiler()).names
}

describe("a lab's goal names", () => {
  it.each(readdirSync('labs'))('%s: every name its goals use is one its boots know', async (id) => {
    expect(checkLab(loadBundled(id), await loadLabCompiler()).names).toEqual([])
  }, 60_000)

  it('a misspelt WARN site, with the nearest function', async () => {
    expect(await namesOf('05-move-swiotlb', 'site: split_kernel_leaf_mapping', 'site: split_kernel_leaf_maping')).toEqual([
      { file: '05-move-swiotlb/lab.yaml', path: 'goals.1.site', message: "no function 'split_kernel_leaf_maping' in this lab's kernel or policies, so no WARN can fire there; did you mean 'split_kernel_leaf_mapping'?" },
    ])
  }, 60_000)

  it('a misspelt caller and a misspelt boot step', async () => {
    const [caller] = await namesOf('05-move-swiotlb', 'caller: swiotlb default pool', 'caller: swiotlb deflt pool')
    expect(caller).toMatchObject({ path: 'goals.0.caller', message: expect.stringMatching(/^no caller named 'swiotlb deflt pool…' ran .*; did you mean 'swiotlb default pool/) })
    // Lab 9's solution (the merged series) boots to userspace: run_init_process is one of its steps.
    const text = manifestOf('09-v1-vs-merged').replace('goals:\n', 'goals:\n  - name: reaches init\n    type: reached\n    step: run_init_proces\n    message: typo\n')
    const loaded = load(editedFolder('09-v1-vs-merged', { 'lab.yaml': text }))
    expect(checkLab(loaded.lab!, await loadLabCompiler()).names).toEqual([
      { file: '09-v1-vs-merged/lab.yaml', path: 'goals.0.step', message: "no boot step 'run_init_proces' in the boots of start.c and solution.c; did you mean 'run_init_process'?" },
    ])
  }, 60_000)

  it("a breakpoint's misspelt function, and an expression that does not compile", async () => {
    const [fn] = await namesOf('04-blackout-windows', 'function: split_kernel_leaf_mapping', 'function: split_kernel_leaf_mappin')
    expect(fn).toMatchObject({ path: expect.stringMatching(/^goals\.\d+\.function$/), message: expect.stringMatching(/no policy function 'split_kernel_leaf_mappin' .*did you mean 'split_kernel_leaf_mapping'\?$/) })
    const [expr] = await namesOf('04-blackout-windows', "expect: 'end - start == swiotlb_size_or_default()'", "expect: 'end - start =='")
    expect(expr).toMatchObject({ path: expect.stringMatching(/^goals\.\d+$/), message: expect.stringMatching(/^the breakpoint cannot be set: /) })
  }, 60_000)
})

describe('bootlab check <lab folder>', () => {
  async function check(folder: string) {
    const out: string[] = []
    const err: string[] = []
    const code = await main(['check', folder, '--no-color'], (l) => void out.push(l), (l) => void err.push(l))
    return { code, out: out.join('\n'), err: err.join('\n') }
  }

  it("passes a sound lab (exit 0) and names a misspelt goal field in a copy being written (exit 1)", async () => {
    const sound = await check('labs/05-move-swiotlb')
    expect(sound.code).toBe(0)
    expect(sound.out).toContain('ok    solution.c: 5/5 goals pass')
    const dir = join(mkdtempSync(join(tmpdir(), 'bootlab-check-')), '05-draft')
    cpSync('labs/05-move-swiotlb', dir, { recursive: true })
    const manifest = join(dir, 'lab.yaml')
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('id: 05-move-swiotlb', 'id: 05-draft').replace('site: split_kernel_leaf_mapping', 'site: split_kernel_leaf_maping'))
    const draft = await check(dir)
    expect(draft.code).toBe(1)
    expect(draft.out).toContain("05-draft/lab.yaml: goals.1.site: no function 'split_kernel_leaf_maping'")
    // A folder that does not load is bad input, with the file and field.
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('kind: fix', 'kind: fixx'))
    const broken = await check(dir)
    expect(broken.code).toBe(3)
    expect(broken.err).toMatch(/^bootlab check: 05-draft\/lab\.yaml:\d+: kind: /)
  }, 120_000)
})
