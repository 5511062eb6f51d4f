/*
 * The autograder formats and where they run (issue 17, parts 3 and 4): the
 * 200-submission class graded with --format junit and --format gradescope, the
 * JUnit XML parsed (xmldom, strict) and counted, each Gradescope results.json
 * checked against the fields Gradescope documents; --shard 1/4 ... 4/4 together
 * grade every submission exactly once; `bootlab autograder` writes a bundle
 * whose run_autograder, run on a fake /autograder tree, writes the right
 * results.json; the GitHub Classroom workflow is valid YAML that grades the lab.
 */
import { DOMParser } from '@xmldom/xmldom'
import { spawnSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { listSubmissions, shardOf } from '../../src/cli/batch-grade'
import type { SubmissionResult } from '../../src/cli/grade-worker'
import { runAutograder } from '../../src/cli/autograder'
import { runBoot } from '../../src/cli/bootlab'
import { classOf200, LAB, writeClass } from './class-of-200'
import { toGradescope, toJUnit } from '../../src/cli/grade-formats'
import { loadBundled } from './lab-fixtures'

/**
 * Gradescope's documented results.json fields (Autograder Specifications,
 * "Output Format"): only these may appear, with these types.
 */
const visibility = z.enum(['hidden', 'after_due_date', 'after_published', 'visible'])
const gradescopeTest = z.strictObject({
  score: z.number().optional(),
  max_score: z.number().optional(),
  status: z.enum(['passed', 'failed']).optional(),
  name: z.string().optional(),
  name_format: z.enum(['text', 'html', 'simple_format', 'md', 'ansi']).optional(),
  number: z.string().optional(),
  output: z.string().optional(),
  output_format: z.enum(['text', 'html', 'simple_format', 'md', 'ansi']).optional(),
  tags: z.array(z.string()).optional(),
  visibility: visibility.optional(),
  extra_data: z.record(z.string(), z.unknown()).optional(),
})
const gradescopeResults = z.strictObject({
  score: z.number().optional(),
  max_score: z.number().optional(),
  execution_time: z.number().optional(),
  output: z.string().optional(),
  output_format: z.enum(['text', 'html', 'simple_format', 'md', 'ansi']).optional(),
  test_output_format: z.enum(['text', 'html', 'simple_format', 'md', 'ansi']).optional(),
  test_name_format: z.enum(['text', 'html', 'simple_format', 'md', 'ansi']).optional(),
  visibility: visibility.optional(),
  stdout_visibility: visibility.optional(),
  extra_data: z.record(z.string(), z.unknown()).optional(),
  tests: z.array(gradescopeTest).optional(),
  leaderboard: z.array(z.unknown()).optional(),
})

const labGoals = (() => {
  const yaml = parseYaml(readFileSync(`labs/${LAB}/lab.yaml`, 'utf8')) as { goals: { name: string; weight?: number }[] }
  return yaml.goals.map((g) => ({ name: g.name, weight: g.weight ?? 1 }))
})()
const MAX = labGoals.reduce((n, g) => n + g.weight, 0)

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runBoot(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out, err }
}

function parseXml(xml: string): Document {
  const fail = (m: string) => {
    throw new Error(`XML: ${m}`)
  }
  return new DOMParser({ errorHandler: { warning: () => {}, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml') as unknown as Document
}

describe('names no format can lose', () => {
  it("a file name with a tab or a line end keeps it in JUnit's attributes (a raw one reads back as a space), and Gradescope names the file", () => {
    const lab = loadBundled(LAB)
    const file = 'new\nline\tand tab.c'
    const result: SubmissionResult = { file, status: 'error', score: 0, total: MAX, failedGoals: [], error: { kind: 'empty', message: 'is empty (nothing but white space); a submission is a policy file' }, seconds: 0.01 }
    const doc = parseXml(toJUnit([result], lab, 0.01))
    expect(doc.getElementsByTagName('testsuite')[0].getAttribute('name')).toBe(file)
    expect(doc.getElementsByTagName('testcase')[0].getAttribute('classname')).toBe(`${LAB}.new\nline\tand tab_c`)
    const gs = gradescopeResults.parse(toGradescope(result, lab))
    expect(gs.extra_data).toEqual({ file })
  })
})

describe('the 200-submission class in the autograder formats', () => {
  const submissions = classOf200()
  const dir = writeClass(submissions)
  const names = [...submissions.keys()]
  let gradescope: z.infer<typeof gradescopeResults>[] = []

  it('--format gradescope: one results.json per submission, each valid against the documented fields', async () => {
    const r = await run('--lab', LAB, '--policy-dir', dir, '--format', 'gradescope', '--timeout', '20')
    expect(r.code).toBe(1)
    expect(r.out).toHaveLength(200)
    gradescope = r.out.map((line) => gradescopeResults.parse(JSON.parse(line)))
    gradescope.forEach((results, i) => {
      const [kind] = submissions.get(names[i])!
      expect(results.output).toMatch(new RegExp(`^${names[i].replace('.', '\\.')}: lab ${LAB}, ${results.score}/${MAX}`))
      if (kind === 'solution') expect(results.score).toBe(MAX)
      if (kind === 'huge' || kind === 'syntax') expect(results.score).toBe(0)
      expect(results.max_score).toBe(MAX)
      expect(results.tests!.map((t) => t.name)).toEqual(labGoals.map((g) => g.name))
      expect(results.tests!.map((t) => t.max_score)).toEqual(labGoals.map((g) => g.weight))
      expect(results.tests!.reduce((n, t) => n + t.score!, 0)).toBe(results.score)
      for (const t of results.tests!) expect(t.status === 'passed' ? t.score : 0).toBe(t.score)
    })
  }, 180_000)

  it('--format junit: one well-formed document, one testsuite per submission, one testcase per goal, counts that add up', async () => {
    const r = await run('--lab', LAB, '--policy-dir', dir, '--format', 'junit', '--timeout', '20')
    expect(r.err).toEqual([])
    expect(r.code).toBe(1)
    const doc = parseXml(r.out.join('\n'))
    const root = doc.documentElement
    expect(root.tagName).toBe('testsuites')
    const suites = Array.from(root.getElementsByTagName('testsuite'))
    expect(suites.map((s) => s.getAttribute('name'))).toEqual(names)
    let failures = 0
    let errors = 0
    for (const suite of suites) {
      // The same grade as the Gradescope run of the same class.
      const result = gradescope[names.indexOf(suite.getAttribute('name')!)]
      const notGraded = /: lab [\w-]+, 0\/\d+; (does not compile|is \d)/.test(result.output!)
      const cases = Array.from(suite.getElementsByTagName('testcase'))
      expect(cases.map((c) => c.getAttribute('name'))).toEqual(labGoals.map((g) => g.name))
      // One dot, between the lab (package) and the file (class), as CI reports split it.
      for (const c of cases) expect(c.getAttribute('classname')).toBe(`${LAB}.${suite.getAttribute('name')!.replace(/\./g, '_')}`)
      expect(cases.map((c) => c.getElementsByTagName('property')[0].getAttribute('value'))).toEqual(labGoals.map((g) => String(g.weight)))
      const failed = cases.filter((c) => c.getElementsByTagName('failure').length > 0)
      const errored = cases.filter((c) => c.getElementsByTagName('error').length > 0)
      expect(Number(suite.getAttribute('tests'))).toBe(cases.length)
      expect(Number(suite.getAttribute('failures'))).toBe(failed.length)
      expect(Number(suite.getAttribute('errors'))).toBe(errored.length)
      if (notGraded) expect(errored).toHaveLength(labGoals.length)
      else {
        expect(failed.map((c) => c.getAttribute('name'))).toEqual(result.tests!.filter((t) => t.status === 'failed').map((t) => t.name))
        // The weights of the passing testcases are the submission's score.
        const passedWeight = cases.filter((c) => !failed.includes(c)).reduce((n, c) => n + Number(c.getElementsByTagName('property')[0].getAttribute('value')), 0)
        expect(passedWeight).toBe(result.score)
        for (const f of failed) {
          expect(f.getElementsByTagName('failure')[0].textContent).toMatch(/\n- .+\(on [\w-]+/)
          // The message (all many CI pages show) is this submission's first evidence, not the goal's why.
          const first = /\n- (.+) \(on [\w, -]+\)$/m.exec(f.getElementsByTagName('failure')[0].textContent!)![1]
          expect(f.getElementsByTagName('failure')[0].getAttribute('message')).toBe(first)
        }
      }
      failures += failed.length
      errors += errored.length
    }
    expect(Number(root.getAttribute('tests'))).toBe(200 * labGoals.length)
    expect(Number(root.getAttribute('failures'))).toBe(failures)
    expect(Number(root.getAttribute('errors'))).toBe(errors)
    expect(errors).toBeGreaterThanOrEqual(30 * labGoals.length) // at least the 20 syntax errors and the 10 huge files
  }, 180_000)

  it('--shard 1/4 ... 4/4 together grade every submission exactly once (the shards as the command line cuts them; one graded)', async () => {
    const listed = listSubmissions(dir)
    const shards = [1, 2, 3, 4].map((i) => shardOf(listed, i, 4).map((s) => s.file))
    expect(shards.map((s) => s.length)).toEqual([50, 50, 50, 50])
    expect(shards.flat().sort()).toEqual([...names].sort())
    expect(new Set(shards.flat()).size).toBe(200)
    // Deterministic: a second listing cuts the same shards.
    expect([1, 2, 3, 4].map((i) => shardOf(listSubmissions(dir), i, 4).map((s) => s.file))).toEqual(shards)
    const r = await run('--lab', LAB, '--policy-dir', dir, '--json', '--shard', '3/4', '--timeout', '20')
    expect(r.out.slice(0, -1).map((l) => (JSON.parse(l) as SubmissionResult).file)).toEqual(shards[2])
    expect(JSON.parse(r.out.at(-1)!)).toMatchObject({ summary: { submissions: 50 } })
  }, 120_000)

  it('an empty shard (more shards than files) still writes its format: a JUnit document with no tests, a JSON summary of none', async () => {
    const small = mkdtempSync(join(tmpdir(), 'bootlab-shard-'))
    writeFileSync(join(small, 'only.c'), readFileSync(`labs/${LAB}/solution.c`, 'utf8'))
    const junit = await run('--lab', LAB, '--policy-dir', small, '--format', 'junit', '--shard', '2/2')
    expect(junit.code).toBe(0)
    expect(junit.out.join('\n')).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="bootlab lab [^"]+" tests="0" failures="0" errors="0" time="[\d.]+">\n<\/testsuites>$/)
    const json = await run('--lab', LAB, '--policy-dir', small, '--json', '--shard', '2/2')
    expect(json.code).toBe(0)
    expect(json.out.map((l) => JSON.parse(l) as unknown)).toMatchObject([{ summary: { submissions: 0, passed: 0 } }])
  }, 60_000)

  it.each([['0/4'], ['5/4'], ['1/0'], ['half']])('--shard %s is refused (exit 3)', async (shard) => {
    const r = await run('--lab', LAB, '--policy-dir', dir, '--shard', shard)
    expect(r.code).toBe(3)
    expect(r.err.join('\n')).toContain('--shard must be i/n')
  })
})

describe('bootlab autograder on a lab that keeps its answers hidden', () => {
  it('says the Classroom files hand every student the lab folder, solution.c included; the Gradescope bundle is the way to keep it', () => {
    const out = mkdtempSync(join(tmpdir(), 'bootlab-autograder-hidden-'))
    const lab = join(out, 'hidden-lab')
    cpSync(join('labs', LAB), lab, { recursive: true })
    writeFileSync(join(lab, 'lab.yaml'), readFileSync(join(lab, 'lab.yaml'), 'utf8').replace(/^id: .*$/m, 'id: hidden-lab') + 'revealAnswers: false\n')
    const lines: string[] = []
    expect(runAutograder([lab, join(out, 'bundle'), '--tarball', join('labs', LAB, 'start.c')], (s) => lines.push(s), (s) => lines.push(s))).toBe(0)
    expect(existsSync(join(out, 'bundle', '.github', 'bootlab', 'hidden-lab', 'solution.c'))).toBe(true)
    expect(lines).toContainEqual(expect.stringMatching(/^note: the GitHub Classroom files put the lab folder in \.github\/bootlab\/hidden-lab\/, .*solution\.c.*Gradescope bundle/))
    // A lab that reveals its answers (every bundled one) has nothing to keep: no such note.
    const open: string[] = []
    runAutograder([LAB, join(out, 'open'), '--tarball', join('labs', LAB, 'start.c')], (s) => open.push(s), (s) => open.push(s))
    expect(open.filter((l) => l.includes('GitHub Classroom files put'))).toEqual([])
  })
})

describe('bootlab autograder', () => {
  const out = mkdtempSync(join(tmpdir(), 'bootlab-autograder-'))
  const tarball = join(out, 'bootlab-0.1.0.tgz')
  writeFileSync(tarball, 'stand-in tarball')
  const lines: string[] = []
  const code = runAutograder([LAB, join(out, 'bundle'), '--tarball', tarball], (s) => lines.push(s), (s) => lines.push(s))

  it('writes setup.sh, run_autograder (executable) and the Classroom workflow', () => {
    expect(code).toBe(0)
    for (const f of ['gradescope/setup.sh', 'gradescope/run_autograder', 'gradescope/bootlab-0.1.0.tgz', '.github/workflows/classroom.yml', '.github/bootlab/bootlab-0.1.0.tgz']) {
      expect(existsSync(join(out, 'bundle', f)), f).toBe(true)
    }
    expect(statSync(join(out, 'bundle/gradescope/run_autograder')).mode & 0o111).toBe(0o111)
    expect(readFileSync(join(out, 'bundle/gradescope/setup.sh'), 'utf8')).toContain("npm install -g 'bootlab-0.1.0.tgz'")
  })

  it('the Classroom workflow is YAML that installs bootlab and grades the lab', () => {
    const wf = parseYaml(readFileSync(join(out, 'bundle/.github/workflows/classroom.yml'), 'utf8')) as {
      jobs: Record<string, { steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>
    }
    const steps = Object.values(wf.jobs)[0].steps
    expect(steps.map((s) => s.run).filter(Boolean)).toContain('npm install -g ./.github/bootlab/bootlab-0.1.0.tgz')
    const grader = steps.find((s) => s.uses === 'classroom-resources/autograding-command-grader@v1')!
    expect(grader.with).toMatchObject({ command: `bootlab boot --lab ${LAB} --policy-dir . --no-color`, 'max-score': MAX })
  })

  /** A fake /autograder: the bundle as source/, one submission, and `bootlab` on PATH running this checkout. */
  function fakeAutograder(files: Record<string, string>): { root: string; results: () => unknown; status: number | null } {
    const root = mkdtempSync(join(tmpdir(), 'bootlab-fake-autograder-'))
    mkdirSync(join(root, 'submission'))
    for (const [name, text] of Object.entries(files)) writeFileSync(join(root, 'submission', name), text)
    const bin = join(root, 'bin')
    mkdirSync(bin)
    const tsx = import.meta.resolve('tsx').replace('file://', '')
    writeFileSync(join(bin, 'bootlab'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --import ${JSON.stringify(tsx)} ${JSON.stringify(resolve('src/cli/bootlab.ts'))} "$@"\n`)
    chmodSync(join(bin, 'bootlab'), 0o755)
    const child = spawnSync(join(out, 'bundle/gradescope/run_autograder'), [], {
      env: { ...process.env, AUTOGRADER_ROOT: root, PATH: `${bin}:${process.env.PATH}` },
      encoding: 'utf8',
      timeout: 60_000,
    })
    return { root, status: child.status, results: () => JSON.parse(readFileSync(join(root, 'results/results.json'), 'utf8')) }
  }

  it("run_autograder on a fake /autograder grades the submission into results/results.json", () => {
    const solution = readFileSync(`labs/${LAB}/solution.c`, 'utf8')
    const full = fakeAutograder({ 'lab6.c': solution })
    expect(full.status).toBe(0)
    const results = gradescopeResults.parse(full.results())
    expect(results).toMatchObject({ score: MAX, max_score: MAX })
    expect(results.tests!.every((t) => t.status === 'passed')).toBe(true)

    const partial = gradescopeResults.parse(fakeAutograder({ 'lab6.c': readFileSync(`labs/${LAB}/start.c`, 'utf8') }).results())
    expect(partial.score).toBeLessThan(MAX)
    expect(partial.tests!.filter((t) => t.status === 'failed').every((t) => t.score === 0 && t.output!.length > 0)).toBe(true)
  }, 120_000)

  it('a submission without exactly one .c file scores 0 with a message; one that does not compile fails every goal', () => {
    expect(gradescopeResults.parse(fakeAutograder({}).results())).toMatchObject({ score: 0, max_score: MAX, output: 'Submit exactly one .c file (found 0).' })
    const broken = gradescopeResults.parse(fakeAutograder({ 'lab6.c': 'int f(void) {\n\treturn 1\n}\n' }).results())
    expect(broken.score).toBe(0)
    expect(broken.output).toMatch(/does not compile: lab6\.c:2:\d+: syntax error: expected ';' before '}'/)
    expect(broken.tests!.every((t) => t.status === 'failed')).toBe(true)
    // An empty file is the base kernel unchanged: it used to earn the goals that passes.
    const empty = gradescopeResults.parse(fakeAutograder({ 'lab6.c': '\n' }).results())
    expect(empty.score).toBe(0)
    expect(empty.output).toContain('is empty (nothing but white space); a submission is a policy file')
    // A file bootlab refuses to read: the student sees why, not only an exit status.
    const huge = gradescopeResults.parse(fakeAutograder({ 'lab6.c': `/* ${'x'.repeat(1_100_000)} */\n` }).results())
    expect(huge).toMatchObject({ score: 0, max_score: MAX })
    expect(huge.output).toMatch(/^The grader could not grade this submission: .*lab6\.c.*1 MiB/)
  }, 120_000)
})
