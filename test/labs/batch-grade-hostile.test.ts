/*
 * A hostile class folder (issue 11, items 2-5 and the grader's part of 11):
 * symlinks out of the folder (to the lab's solution, to /dev/zero), a symlink
 * loop, a dangling link, a target in an unsearchable folder, a name that is not
 * UTF-8, a FIFO and a directory named like submissions, `X.C`, `.hidden.c`,
 * names and source holding newlines and ESC/OSC sequences. Every entry that
 * looks like a submission gets exactly one line saying it was graded or why
 * not, the summary counts them, and nothing out of the folder is read.
 *
 * Tests run as root, for whom chmod 000 does not make a folder unsearchable:
 * the EACCES case runs the real command line as the unprivileged user `nobody`
 * (spawn's uid option), so the real stat/realpath calls fail with EACCES.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import * as nodeFs from 'node:fs'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type BatchSummary, listSubmissions, type SubmissionFs } from '../../src/cli/batch-grade'
import type { SubmissionResult } from '../../src/cli/grade-worker'
import { runBoot } from '../../src/cli/bootlab'

const LAB = '06-secondary-cpu-check'
const SOLUTION = resolve(`labs/${LAB}/solution.c`)
const solution = readFileSync(SOLUTION, 'utf8')
const start = readFileSync(`labs/${LAB}/start.c`, 'utf8')

/** A name with a newline that would print a forged PASS line (a file name cannot hold '/', so the forgery uses U+2215). */
const FORGING = 'a.c\nPASS      8\u22158  forged.c'
const ESCAPE_NAME = '\x1b[31mred\x1b]0;pwned\x07.c'
const NON_UTF8 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x63]) // "caf\xe9.c" in Latin-1

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runBoot(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out, err }
}

function hostileClass(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bootlab-hostile-'))
  chmodSync(dir, 0o755)
  writeFileSync(join(dir, 'good.c'), solution)
  symlinkSync('good.c', join(dir, 'inside.c'))
  symlinkSync(SOLUTION, join(dir, 'solution-link.c'))
  symlinkSync('/dev/zero', join(dir, 'zero.c'))
  symlinkSync('loop.c', join(dir, 'loop.c'))
  symlinkSync('gone.c.orig', join(dir, 'dangling.c'))
  mkdirSync(join(dir, 'x.c'))
  execFileSync('mkfifo', [join(dir, 'fifo.c')])
  writeFileSync(join(dir, 'X.C'), solution)
  writeFileSync(join(dir, '.hidden.c'), solution)
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), NON_UTF8]), solution)
  writeFileSync(join(dir, FORGING), start)
  writeFileSync(join(dir, ESCAPE_NAME), `int x = 1\x1b]8;;http://evil/\x1b\\;\n`)
  writeFileSync(join(dir, 'notes.txt'), 'not a submission: no line')
  writeFileSync(join(dir, 'empty.c'), '')
  writeFileSync(join(dir, 'blank.c'), ' \n\t\r\n')
  return dir
}

describe('bootlab boot --lab --policy-dir on a hostile class folder', () => {
  const dir = hostileClass()

  it('gives every entry that looks like a submission one line, graded or why not, and counts them', async () => {
    const r = await run('--lab', LAB, '--policy-dir', dir, '--jobs', '1', '--json')
    expect(r.err).toEqual([])
    expect(r.code).toBe(1)
    const results = r.out.slice(0, -1).map((l) => JSON.parse(l) as SubmissionResult)
    const { summary } = JSON.parse(r.out.at(-1)!) as { summary: BatchSummary }
    const by = new Map(results.map((x) => [x.file, x]))
    expect([...by.keys()].sort()).toEqual(
      ['.hidden.c', 'X.C', 'blank.c', 'caf\\xe9.c', 'dangling.c', 'empty.c', 'fifo.c', 'good.c', 'inside.c', 'loop.c', 'solution-link.c', 'x.c', 'zero.c', FORGING, ESCAPE_NAME].sort(),
    )
    expect(by.get('good.c')).toMatchObject({ status: 'passed', score: 8 })
    expect(by.get('inside.c')).toMatchObject({ status: 'passed', score: 8 })
    expect(by.get('caf\\xe9.c')).toMatchObject({ status: 'passed', score: 8 })
    expect(by.get(FORGING)).toMatchObject({ status: 'failed' })
    expect(by.get(ESCAPE_NAME)).toMatchObject({ status: 'error', error: { kind: 'does not compile' } })
    expect(by.get('solution-link.c')).toMatchObject({ status: 'error', score: 0, error: { kind: 'symlink out of the folder', message: `is a symlink to ${SOLUTION}, outside the submission folder; not read` } })
    expect(by.get('zero.c')).toMatchObject({ status: 'error', error: { kind: 'symlink out of the folder' } })
    expect(by.get('loop.c')).toMatchObject({ status: 'error', error: { kind: 'broken symlink', message: 'is a symlink loop (ELOOP); not read' } })
    expect(by.get('dangling.c')).toMatchObject({ status: 'error', error: { kind: 'broken symlink', message: 'is a dangling symlink (its target does not exist); not read' } })
    expect(by.get('x.c')).toMatchObject({ status: 'error', error: { kind: 'not a regular file', message: 'is a directory; a submission is a regular file' } })
    expect(by.get('fifo.c')).toMatchObject({ status: 'error', error: { kind: 'not a regular file', message: 'is a FIFO; a submission is a regular file' } })
    expect(by.get('X.C')).toMatchObject({ status: 'error', error: { kind: 'not graded' } })
    expect(by.get('.hidden.c')).toMatchObject({ status: 'error', error: { kind: 'not graded' } })
    // An empty hand-in is not the base kernel earning its goals: it is an error with 0 points.
    for (const name of ['empty.c', 'blank.c']) expect(by.get(name)).toMatchObject({ status: 'error', score: 0, error: { kind: 'empty', message: 'is empty (nothing but white space); a submission is a policy file' } })
    expect(summary).toMatchObject({ submissions: 15, passed: 3, failed: 1, errors: 11 })
    expect(summary.errorKinds).toEqual({ 'does not compile': 1, 'symlink out of the folder': 2, 'broken symlink': 2, 'not a regular file': 2, 'not graded': 2, empty: 2 })
  })

  it('escapes control characters in human output: no forged line, no ESC/OSC reaches the terminal', async () => {
    const r = await run('--lab', LAB, '--policy-dir', dir, '--jobs', '1')
    expect(r.code).toBe(1)
    const text = r.out.join('\n')
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/)
    // 15 entries and the summary: one line each, however the names look.
    expect(r.out).toHaveLength(16)
    expect(text.split('\n')).toHaveLength(16)
    expect(r.out.filter((l) => l.startsWith('PASS'))).toEqual(['PASS      8/8  caf\\xe9.c', 'PASS      8/8  good.c', 'PASS      8/8  inside.c'])
    expect(r.out).toContainEqual(expect.stringMatching(/^FAIL {6}\d\/8 {2}a\.c\\nPASS {6}8\u22158 {2}forged\.c: failed: /))
    expect(r.out).toContainEqual(expect.stringMatching(/^ERROR {5}0\/8 {2}\\x1b\[31mred\\x1b\]0;pwned\\x07\.c: does not compile: /))
  })

  it('an entry whose target is in an unsearchable folder (EACCES, as the user nobody) gets its own line; the rest are graded', () => {
    const locked = mkdtempSync(join(tmpdir(), 'bootlab-eacces-'))
    chmodSync(locked, 0o755)
    writeFileSync(join(locked, 'good.c'), solution)
    mkdirSync(join(locked, 'private'))
    writeFileSync(join(locked, 'private', 'work.c'), solution)
    chmodSync(join(locked, 'private'), 0o000)
    symlinkSync('private/work.c', join(locked, 'locked.c'))
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bootlab.ts', 'boot', '--lab', LAB, '--policy-dir', locked, '--jobs', '1'], {
      encoding: 'utf8',
      timeout: 60_000,
      ...asNobody,
    })
    expect(child.stderr).toBe('')
    expect(child.status).toBe(1)
    expect(child.stdout.trim().split('\n').map((l) => l.replace(/; \d+\.\d s$/, ''))).toEqual([
      'PASS      8/8  good.c',
      'ERROR     0/8  locked.c: is a symlink that cannot be followed (EACCES); not read',
      `== lab ${LAB}: 2 submissions, 1 passed, 0 failed, 1 error (1 unreadable)`,
    ])
  }, 60_000)

  it('a symlink to a file whose name (or folder\'s name) is not UTF-8 is followed, not called dangling', () => {
    const folder = mkdtempSync(join(tmpdir(), 'bootlab-bytes-'))
    const bytes = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)))
    writeFileSync(bytes(folder, '/real-', Buffer.from([0xff]), '.c'), solution)
    symlinkSync(bytes('real-', Buffer.from([0xff]), '.c'), join(folder, 'link.c'))
    mkdirSync(bytes(folder, '/dir-', Buffer.from([0xfe])))
    writeFileSync(bytes(folder, '/dir-', Buffer.from([0xfe]), '/inner.c'), solution)
    symlinkSync(bytes('dir-', Buffer.from([0xfe]), '/inner.c'), join(folder, 'into-dir.c'))
    const listed = new Map(listSubmissions(folder).map((s) => [s.file, s]))
    for (const name of ['link.c', 'into-dir.c']) {
      expect(listed.get(name)?.refused, name).toBeUndefined()
      expect(readFileSync(listed.get(name)!.path, 'utf8'), name).toBe(solution)
    }
  })

  it('a name holding the bytes 0xff 0xfe and one holding the text "\\xff\\xfe" are two names in every report', () => {
    const folder = mkdtempSync(join(tmpdir(), 'bootlab-names-'))
    writeFileSync(Buffer.concat([Buffer.from(`${folder}/ivan-`), Buffer.from([0xff, 0xfe]), Buffer.from('.c')]), solution)
    writeFileSync(join(folder, 'ivan-\\xff\\xfe.c'), solution)
    writeFileSync(join(folder, 'back\\slash.c'), solution)
    expect(listSubmissions(folder).map((s) => s.file)).toEqual(['back\\\\slash.c', 'ivan-\\\\xff\\\\xfe.c', 'ivan-\\xff\\xfe.c'])
  })

  it('an EACCES from stat (through the listing seam) is that entry\'s line, not a crash', () => {
    const folder = mkdtempSync(join(tmpdir(), 'bootlab-seam-'))
    writeFileSync(join(folder, 'a.c'), solution)
    writeFileSync(join(folder, 'b.c'), solution)
    const fs: SubmissionFs = {
      readdirSync: (d, o) => nodeFs.readdirSync(d, o),
      lstatSync: (p) => nodeFs.lstatSync(p),
      realpathSync: (p) => nodeFs.realpathSync.native(p, { encoding: 'buffer' }),
      statSync: (p) => {
        if (p.toString().endsWith('/a.c')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })
        return nodeFs.statSync(p)
      },
    }
    expect(listSubmissions(folder, fs).map((s) => [s.file, s.refused?.message])).toEqual([
      ['a.c', 'cannot be examined (EACCES); not read'],
      ['b.c', undefined],
    ])
  })

  it('exits 3 only for a bad folder argument', async () => {
    const file = join(dir, 'good.c')
    const r = await run('--lab', LAB, '--policy-dir', file)
    expect(r.code).toBe(3)
    expect(r.err.join('\n')).toContain('is not a directory (give the folder of submissions; one file is --policy)')
  })
})

describe('the command line refuses what would hang or overflow', () => {
  it('--timeout past setTimeout\'s range is refused with a message (it used to time every submission out at once)', async () => {
    const one = mkdtempSync(join(tmpdir(), 'bootlab-timeout-'))
    writeFileSync(join(one, 'good.c'), solution)
    const r = await run('--lab', LAB, '--policy-dir', one, '--timeout', '2147484')
    expect(r.code).toBe(3)
    expect(r.err.join('\n')).toContain('--timeout must be at most 2147483 seconds')
    const ok = await run('--lab', LAB, '--policy-dir', one, '--timeout', '2147483')
    expect(ok.out[0]).toBe('PASS      8/8  good.c')
    expect(ok.code).toBe(0)
  })

  const fifoDir = mkdtempSync(join(tmpdir(), 'bootlab-fifo-'))
  const fifo = join(fifoDir, 'policy.c')
  execFileSync('mkfifo', [fifo])
  const big = join(fifoDir, 'big.c')
  writeFileSync(big, `/* ${'x'.repeat(1024 * 1024)} */\n`)

  // In a child process with a time limit: the old code blocked on the FIFO (or read /dev/zero) for ever.
  it.each([
    [['--scenario', 'realm', '--policy', '/dev/zero'], '--policy /dev/zero: not a regular file'],
    [['--scenario', 'realm', '--policy', fifo], `--policy ${fifo}: not a regular file`],
    [['--lab', LAB, '--policy', fifo], `--policy ${fifo}: not a regular file`],
    [['--scenario', '/dev/zero', '--policy', 'series'], '--scenario /dev/zero: not a regular file'],
    [['--scenario', 'realm', '--policy', big], `--policy ${big}: is 1.0 MiB; a policy is at most 1 MiB`],
  ])('%j is refused without being read (exit 3)', (args, message) => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bootlab.ts', 'boot', ...args], { encoding: 'utf8', timeout: 30_000 })
    expect(child.signal).toBeNull()
    expect(child.status).toBe(3)
    expect(child.stderr).toContain(message)
  }, 40_000)
})

describe('a GitHub Classroom repository graded in place (bootlab boot --policy-dir .)', () => {
  it("a link to the grader's copy of the lab in .github/ earns nothing; a link to the student's own file in a folder is graded", async () => {
    const repo = mkdtempSync(join(tmpdir(), 'bootlab-classroom-'))
    mkdirSync(join(repo, '.github', 'bootlab', LAB), { recursive: true })
    writeFileSync(join(repo, '.github', 'bootlab', LAB, 'solution.c'), solution)
    mkdirSync(join(repo, 'src'))
    writeFileSync(join(repo, 'src', 'mine.c'), solution)
    symlinkSync(join('.github', 'bootlab', LAB, 'solution.c'), join(repo, 'fix.c'))
    symlinkSync(join('src', 'mine.c'), join(repo, 'mine.c'))
    const r = await run('--lab', LAB, '--policy-dir', repo, '--jobs', '1', '--json')
    const by = new Map(r.out.slice(0, -1).map((l) => JSON.parse(l) as SubmissionResult).map((x) => [x.file, x]))
    expect(by.get('fix.c')).toMatchObject({
      status: 'error',
      score: 0,
      error: { kind: 'not graded', message: `is a symlink to ${join('.github', 'bootlab', LAB, 'solution.c')}, in a hidden folder of the submission folder (the grader's files); not read` },
    })
    expect(by.get('mine.c')).toMatchObject({ status: 'passed' })
  }, 120_000)
})
