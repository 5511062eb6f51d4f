/*
 * An instructor grades a class: `bootlab boot --lab <id> --policy-dir <dir>`
 * over 200 generated submissions (copies of the solution and of start.c,
 * random edits of both, syntax errors, endless loops, endless recursion, huge
 * files). Every submission gets a line with a result or a clear error, in
 * file order, then a summary; the whole run stays well under a minute.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'vite'
import { describe, expect, it } from 'vitest'
import type { BatchSummary } from '../../src/cli/batch-grade'
import type { SubmissionResult } from '../../src/cli/grade-worker'
import { runBoot } from '../../src/cli/bootlab'
import { classOf200, LAB, writeClass } from './class-of-200'

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runBoot(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out, err }
}

describe('bootlab boot --lab --policy-dir', () => {
  const submissions = classOf200()
  const dir = writeClass(submissions)

  it(
    'grades 200 submissions, some malformed and some runaway, each with a result or a clear error, then a summary',
    async () => {
      const started = performance.now()
      const r = await run('--lab', LAB, '--policy-dir', dir, '--json', '--timeout', '20')
      const seconds = (performance.now() - started) / 1000
      console.log(`batch grade: 200 submissions of lab ${LAB} in ${seconds.toFixed(1)} s`)
      expect(seconds).toBeLessThan(60)
      expect(r.err).toEqual([])
      expect(r.code).toBe(1)
      expect(r.out).toHaveLength(201)
      const results = r.out.slice(0, 200).map((line) => JSON.parse(line) as SubmissionResult)
      const { summary } = JSON.parse(r.out[200]) as { summary: BatchSummary }
      expect(results.map((x) => x.file)).toEqual([...submissions.keys()])

      for (const result of results) {
        const [kind] = submissions.get(result.file)!
        const where = `${result.file}: ${JSON.stringify(result)}`
        switch (kind) {
          case 'solution':
            expect(result.status, where).toBe('passed')
            expect(result.score, where).toBe(result.total)
            break
          case 'start':
            expect(result.status, where).toBe('failed')
            expect(result.failedGoals.length, where).toBeGreaterThan(0)
            break
          case 'syntax':
            expect(result.status, where).toBe('error')
            expect(result.error!.kind, where).toBe('does not compile')
            expect(result.error!.message, where).toMatch(new RegExp(`^does not compile: ${result.file.replace('.', '\\.')}:\\d+:\\d+: `))
            break
          case 'loop':
            expect(result.status, where).toBe('failed')
            expect(result.problem, where).toMatch(/(step budget of \d+ exceeded|the kernel log reached 10000 lines)/)
            break
          case 'recursion':
            expect(result.status, where).toBe('failed')
            expect(result.problem, where).toMatch(/call depth limit of 64 exceeded/)
            break
          case 'huge':
            expect(result, where).toMatchObject({ status: 'error', error: { kind: 'too large', message: 'is 1.0 MiB; a policy is at most 1 MiB' } })
            break
          case 'mutation':
            expect(['passed', 'failed', 'error'], where).toContain(result.status)
            if (result.status === 'error') expect(result.error!.kind, where).toBe('does not compile')
            break
        }
        // No submission needed anything like the wall-clock limit: the budgets stop them first.
        expect(result.seconds, where).toBeLessThan(10)
      }
      expect(summary).toMatchObject({ lab: LAB, submissions: 200 })
      expect(summary.passed + summary.failed + summary.errors).toBe(200)
      expect(summary.passed).toBe(results.filter((x) => x.status === 'passed').length)
      expect(summary.errorKinds['too large']).toBe(10)
      expect(summary.errorKinds['does not compile']).toBeGreaterThanOrEqual(20)
    },
    120_000,
  )

  it('prints one readable line per submission and a summary line without --json', async () => {
    const small = writeClass(new Map([...submissions].filter(([name]) => /-(001|041|101|141|161|176|191)-/.test(name))))
    const r = await run('--lab', LAB, '--policy-dir', small, '--jobs', '1')
    expect(r.code).toBe(1)
    expect(r.out.map((l) => l.replace(/; \d+\.\d s$/, '; N s'))).toEqual([
      'PASS      8/8  student-001-solution.c',
      expect.stringMatching(/^FAIL {6}1\/8 {2}student-041-start\.c: failed: no TLB conflict abort; /),
      expect.stringMatching(/^(PASS|FAIL|ERROR) +\d\/8 {2}student-101-mutation\.c/),
      expect.stringMatching(/^ERROR {5}0\/8 {2}student-141-syntax\.c: does not compile: student-141-syntax\.c:\d+:\d+: /),
      expect.stringMatching(/^FAIL {6}0\/8 {2}student-161-loop\.c: failed: .*; policy error at student-161-loop\.c:4:\d+: step budget of \d+ exceeded: does a loop never end\?$/),
      expect.stringMatching(/^FAIL +\d\/8 {2}student-176-recursion\.c: failed: .*; policy error at student-176-recursion\.c:3:\d+: call depth limit of 64 exceeded calling 'deeper': unbounded recursion\?$/),
      'ERROR     0/8  student-191-huge.c: is 1.0 MiB; a policy is at most 1 MiB',
      expect.stringMatching(/^== lab 06-secondary-cpu-check: 7 submissions, 1 passed, [234] failed, [234] errors \(.*1 too large.*\); N s$/),
    ])
  })

  it('exits 0 only when every submission passes', async () => {
    const passing = writeClass(new Map([...submissions].filter(([, [kind]]) => kind === 'solution').slice(0, 3)))
    const r = await run('--lab', LAB, '--policy-dir', passing)
    expect(r.code).toBe(0)
    expect(r.out.at(-1)).toMatch(/^== lab 06-secondary-cpu-check: 3 submissions, 3 passed, 0 failed, 0 errors; \d+\.\d s$/)
  })

  it('stops a submission at the wall-clock limit, says so, and goes on with a fresh worker', async () => {
    const two = writeClass(new Map([...submissions].filter(([, [kind]]) => kind === 'solution').slice(0, 2)))
    const r = await run('--lab', LAB, '--policy-dir', two, '--timeout', '0.001', '--jobs', '1')
    expect(r.code).toBe(1)
    expect(r.out).toEqual([
      'ERROR     0/8  student-001-solution.c: timed out after 0.001 s (the limit per submission)',
      'ERROR     0/8  student-002-solution.c: timed out after 0.001 s (the limit per submission)',
      expect.stringMatching(/^== lab 06-secondary-cpu-check: 2 submissions, 0 passed, 0 failed, 2 errors \(2 timed out\); /),
    ])
  })

  it.each([
    [['--policy-dir', '/no/such/folder'], 'bootlab: --policy-dir /no/such/folder: no such directory'],
    [['--policy-dir', 'labs/06-secondary-cpu-check/start.c'], 'bootlab: --policy-dir labs/06-secondary-cpu-check/start.c: is not a directory (give the folder of submissions; one file is --policy)'],
    [['--policy-dir', mkdtempSync(join(tmpdir(), 'bootlab-empty-'))], 'no .c files to grade'],
    [['--policy-dir', dir, '--timeout', 'soon'], "bootlab: --timeout must be a positive number, not 'soon'"],
    [['--policy-dir', dir, '--policy', 'x.c'], '--policy-dir grades a folder against a --lab, instead of --policy'],
  ])('refuses %j as bad input (exit 3)', async (args, message) => {
    const r = await run('--lab', LAB, ...args)
    expect(r.code).toBe(3)
    expect(r.err.join('\n')).toContain(message)
  })

  it('a file not named like a submission gets no line; a hidden .c file and a folder named x.c get one saying why not', async () => {
    const mixed = writeClass(new Map([...submissions].filter(([, [kind]]) => kind === 'solution').slice(0, 1)))
    writeFileSync(join(mixed, 'notes.txt'), 'not a policy')
    writeFileSync(join(mixed, '.hidden.c'), 'int x = ;')
    mkdirSync(join(mixed, 'folder.c'))
    const r = await run('--lab', LAB, '--policy-dir', mixed)
    expect(r.code).toBe(1)
    expect(r.out.slice(0, -1)).toEqual([
      "ERROR     0/8  .hidden.c: is a hidden file (its name starts with '.'); rename it to grade it",
      'ERROR     0/8  folder.c: is a directory; a submission is a regular file',
      'PASS      8/8  student-001-solution.c',
    ])
    expect(r.out.at(-1)).toMatch(/: 3 submissions, 1 passed, 0 failed, 2 errors \(1 not graded, 1 not a regular file\); /)
  })

  it(
    'the built command line (one bundle file) grades in worker threads of that same file',
    async () => {
      // A package-like folder: the bundle in out/cli, resources, labs and node_modules beside it.
      const pkg = mkdtempSync(join(tmpdir(), 'bootlab-bundle-'))
      for (const name of ['resources', 'labs', 'node_modules']) symlinkSync(resolve(name), join(pkg, name))
      await build({ configFile: resolve('vite.cli.config.ts'), logLevel: 'silent', build: { outDir: join(pkg, 'out/cli') } })
      const few = writeClass(new Map([...submissions].filter(([name]) => /-(001|041|161)-/.test(name))))
      const script = join(pkg, 'grade.mjs')
      writeFileSync(script, `const m = await import('./out/cli/bootlab.mjs')\nprocess.exitCode = await m.main(['boot', '--lab', '${LAB}', '--policy-dir', ${JSON.stringify(few)}])\n`)
      const run = spawnSync(process.execPath, [script], { encoding: 'utf8' })
      // Nothing else runs in the workers: the bundle's own command-line entry stays quiet there.
      expect(run.stderr).toBe('')
      expect(run.status).toBe(1)
      const lines = run.stdout.trim().split('\n')
      expect(lines.map((l) => l.split(':')[0])).toEqual(['PASS      8/8  student-001-solution.c', 'FAIL      1/8  student-041-start.c', 'FAIL      0/8  student-161-loop.c', '== lab 06-secondary-cpu-check'])
    },
    60_000,
  )
})
