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

/** The 1-based line of `needle` in `text`. */
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length

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

  it('a lab whose manifest is lab.yml (or lab.json) has its name problems at that file, not at a lab.yaml it does not have', async () => {
    const text = manifestOf('05-move-swiotlb').replace('site: split_kernel_leaf_mapping', 'site: split_kernel_leaf_maping')
    const loaded = load(editedFolder('05-move-swiotlb', { 'lab.yaml': null, 'lab.yml': text }))
    expect(loaded.errors).toEqual([])
    const names = checkLab(loaded.lab!, await loadLabCompiler()).names
    expect(names.map((n) => [n.file, n.path])).toEqual([['05-move-swiotlb/lab.yml', 'goals.1.site']])
  })

  it('a misspelt WARN site, with the nearest function, at its line', async () => {
    expect(await namesOf('05-move-swiotlb', 'site: split_kernel_leaf_mapping', 'site: split_kernel_leaf_maping')).toEqual([
      {
        file: '05-move-swiotlb/lab.yaml',
        path: 'goals.1.site',
        line: lineOf(manifestOf('05-move-swiotlb'), 'site: split_kernel_leaf_mapping'),
        message: "no function 'split_kernel_leaf_maping' in this lab's kernel or policies, so no WARN can fire there; did you mean 'split_kernel_leaf_mapping'?",
      },
    ])
  }, 60_000)

  it('a misspelt caller and a misspelt boot step', async () => {
    const [caller] = await namesOf('05-move-swiotlb', 'caller: swiotlb default pool', 'caller: swiotlb deflt pool')
    expect(caller).toMatchObject({ path: 'goals.0.caller', message: expect.stringMatching(/^no caller named 'swiotlb deflt pool…' ran .*; did you mean 'swiotlb default pool/) })
    // Lab 9's solution (the merged series) boots to userspace: run_init_process is one of its steps.
    const text = manifestOf('09-v1-vs-merged').replace('goals:\n', 'goals:\n  - name: reaches init\n    type: reached\n    step: run_init_proces\n    message: typo\n')
    const loaded = load(editedFolder('09-v1-vs-merged', { 'lab.yaml': text }))
    expect(checkLab(loaded.lab!, await loadLabCompiler()).names).toEqual([
      {
        file: '09-v1-vs-merged/lab.yaml',
        path: 'goals.0.step',
        line: lineOf(text, 'step: run_init_proces'),
        message: "no boot step 'run_init_proces' in the boots of start.c and solution.c; did you mean 'run_init_process'?",
      },
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
    expect(draft.out).toContain(`05-draft/lab.yaml:${lineOf(readFileSync(manifest, 'utf8'), 'site: split_kernel_leaf_maping')}: goals.1.site: no function 'split_kernel_leaf_maping'`)
    // A folder that does not load is bad input, with the file and field.
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('kind: fix', 'kind: fixx'))
    const broken = await check(dir)
    expect(broken.code).toBe(3)
    expect(broken.err).toMatch(/^bootlab check: 05-draft\/lab\.yaml:\d+: kind: /)
  }, 120_000)

  /** A copy of a bundled lab under a new id, with `edit` applied to its files. */
  function draft(id: string, edit: (dir: string) => void): string {
    const dir = join(mkdtempSync(join(tmpdir(), 'bootlab-check-')), `${id}-draft`)
    cpSync(`labs/${id}`, dir, { recursive: true })
    const manifest = join(dir, 'lab.yaml')
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(`id: ${id}`, `id: ${id}-draft`))
    edit(dir)
    return dir
  }

  it('a start.c that does not compile fails the check, in a fix lab and an explore lab alike', async () => {
    for (const id of ['06-secondary-cpu-check', '01-linear-map-tour']) {
      const r = await check(draft(id, (dir) => writeFileSync(join(dir, 'start.c'), 'this is not C {\n')))
      expect(r.code, id).toBe(1)
      expect(r.out, id).toMatch(/FAIL +start\.c: does not run: start\.c:1:\d+: /)
    }
  }, 120_000)

  it("an explore lab's start.c must pass its goals (they are facts to find)", async () => {
    // Lab 1's start with the linear map forced to PTEs everywhere: the host's 1 GiB blocks are gone.
    const r = await check(draft('01-linear-map-tour', (dir) => {
      const start = join(dir, 'start.c')
      writeFileSync(start, readFileSync(start, 'utf8').replace('bool force_pte_mapping(void)\n{\n', 'bool force_pte_mapping(void)\n{\n\treturn true;\n'))
    }))
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/FAIL +start\.c: \d+\/6 goals pass; an explore lab's starting policy must pass every goal/)
    expect(r.out).toContain('host maps RAM with 1 GiB blocks')
  }, 120_000)

  it("a solution whose verdict is not the lab's expectedVerdict fails the check", async () => {
    const r = await check(draft('05-move-swiotlb', (dir) => {
      const manifest = join(dir, 'lab.yaml')
      writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/expectedVerdict:\n  status: failed/, 'expectedVerdict:\n  status: booted'))
    }))
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/FAIL +solution\.c: the goals pass, but lab 5 expects booted \(on realm/)
  }, 120_000)

  it('a lab whose files have CRLF line endings checks as the same lab with LF', async () => {
    const r = await check(draft('03-realm-bug', (dir) => {
      for (const f of ['README.md', 'lab.yaml', 'start.c', 'solution.c']) writeFileSync(join(dir, f), readFileSync(join(dir, f), 'utf8').replace(/\n/g, '\r\n'))
    }))
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
  }, 120_000)

  it('`bootlab check .` from inside a lab folder checks that folder', async () => {
    const dir = draft('05-move-swiotlb', () => {})
    const home = process.cwd()
    process.chdir(dir)
    try {
      const r = await check('.')
      expect(r.err).toBe('')
      expect(r.out).toContain('== lab 05-move-swiotlb-draft (fix)')
      expect(r.code).toBe(0)
    } finally {
      process.chdir(home)
    }
  }, 120_000)
})
