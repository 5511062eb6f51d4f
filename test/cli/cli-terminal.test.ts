/*
 * Terminal manners of the command line (issue 17, part 2): colour only on a
 * terminal (a pseudo-TTY made by script(1)), none under NO_COLOR, --no-color or
 * a pipe; "did you mean" for misspelt scenarios, policies, labs and natives;
 * the missing-';' message gcc gives, at its line and column, with the caret
 * line; a lab's evidence printed once with the machines it holds on.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runBoot } from '../../src/cli/bootlab'

const ESC = '\x1b['
const dir = mkdtempSync(join(tmpdir(), 'bootlab-terminal-'))

/** The environment of a user's shell without colour settings of its own. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e = { ...process.env, ...extra }
  if (!('NO_COLOR' in extra)) delete e.NO_COLOR
  if (!('FORCE_COLOR' in extra)) delete e.FORCE_COLOR
  e.TERM = 'xterm-256color'
  return e
}

const CLI = ['--import', 'tsx', 'src/cli/bootlab.ts', 'boot']
const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`

/** The command run on a pseudo-terminal (script -qc), as a learner's shell runs it: everything it wrote there. */
function onTerminal(args: string[], extra: Record<string, string> = {}): string {
  const command = [process.execPath, ...CLI, ...args].map(quote).join(' ')
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: env(extra), timeout: 60_000 })
  return r.stdout
}

function inPipe(args: string[], extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8', env: env(extra), timeout: 60_000 })
}

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runBoot(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('colour', () => {
  const boot = ['--scenario', 'realm', '--policy', 'unpatched']

  it('on a terminal the verdict and the WARNING lines are coloured', () => {
    const text = onTerminal(boot)
    expect(text).toContain(`${ESC}31mFAILED${ESC}39m: `)
    expect(text).toMatch(/\x1b\[33m\[ +\d+\.\d+\] WARNING: arch\/arm64\/mm\/pageattr\.c:\d+ at pageattr_pud_entry/)
    expect(text).toMatch(/\x1b\[31m\[ +\d+\.\d+\] Kernel panic - not syncing: /)
  }, 60_000)

  it('none under NO_COLOR, with --no-color, or in a pipe', () => {
    expect(onTerminal(boot, { NO_COLOR: '1' })).not.toContain('\x1b')
    expect(onTerminal([...boot, '--no-color'])).not.toContain('\x1b')
    const piped = inPipe(boot)
    expect(piped.status).toBe(2)
    expect(piped.stdout).toContain('FAILED: ')
    expect(piped.stdout + piped.stderr).not.toContain('\x1b')
  }, 60_000)

  it("a class's progress line is drawn on a terminal, and not under NO_COLOR or with --no-color (it is terminal control too)", () => {
    const klass = mkdtempSync(join(tmpdir(), 'bootlab-class-terminal-'))
    for (const name of ['a.c', 'b.c']) writeFileSync(join(klass, name), readFileSync('labs/05-move-swiotlb/start.c', 'utf8'))
    const grade = ['--lab', '05-move-swiotlb', '--policy-dir', klass]
    expect(onTerminal(grade)).toContain('\r\x1b[Kgrading 05-move-swiotlb: ')
    for (const text of [onTerminal(grade, { NO_COLOR: '1' }), onTerminal([...grade, '--no-color'])]) {
      expect(text).toContain('== lab 05-move-swiotlb: 2 submissions')
      expect(text).not.toContain('\x1b')
    }
  }, 120_000)

  it('grading on a terminal: PASS green, FAIL red', () => {
    const text = onTerminal(['--lab', '05-move-swiotlb', '--policy', 'labs/05-move-swiotlb/start.c'])
    expect(text).toContain(`${ESC}31mFAIL${ESC}39m  [3] the pool is shared in W1`)
    expect(text).toContain(`${ESC}32mPASS${ESC}39m  [1] the GIC ITS tables are still shared`)
  }, 60_000)
})

describe('a policy cannot drive the terminal', () => {
  it("ESC/OSC sequences in a policy's printk are shown escaped; the record's trailing newline ends it", async () => {
    const file = join(dir, 'esc.c')
    const start = readFileSync('labs/05-move-swiotlb/start.c', 'utf8')
    writeFileSync(file, start.replace('\tpage_alloc_available = true;\n}', '\tpage_alloc_available = true;\n\tpr_info("\\033]0;pwned\\007\\033[2J hello\\nforged\\n");\n}'))
    const r = await run('--scenario', 'realm', '--policy', file)
    expect(r.out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/)
    expect(r.out).toMatch(/^\[ *\d+\.\d+\] \\x1b\]0;pwned\\x07\\x1b\[2J hello\\nforged$/m)
  })
})

describe('--policy-dir on a terminal', () => {
  it('shows a progress line on stderr, redrawn in place and cleared before each result and the summary', () => {
    const klass = mkdtempSync(join(tmpdir(), 'bootlab-progress-'))
    for (const n of [1, 2, 3]) writeFileSync(join(klass, `s${n}.c`), readFileSync('labs/05-move-swiotlb/solution.c', 'utf8'))
    const text = onTerminal(['--lab', '05-move-swiotlb', '--policy-dir', klass, '--jobs', '1'])
    expect(text).toContain('\r\x1b[Kgrading 05-move-swiotlb: 0/3 done')
    expect(text).toContain('\r\x1b[Kgrading 05-move-swiotlb: 1/3 done, 1 passed so far')
    expect(text).toContain(`\r\x1b[K${ESC}32mPASS ${ESC}39m     9/9  s3.c`)
    // In a pipe: results only.
    const piped = inPipe(['--lab', '05-move-swiotlb', '--policy-dir', klass, '--jobs', '1'])
    expect(piped.stderr).toBe('')
    expect(piped.stdout).not.toContain('grading')
  }, 60_000)
})

describe('did you mean', () => {
  it('a misspelt scenario', async () => {
    const r = await run('--scenario', 'reaml', '--policy', 'series')
    expect(r.code).toBe(3)
    expect(r.err).toMatch(/^bootlab: no scenario 'reaml' .*\ndid you mean 'realm'\?$/)
  })

  it('a misspelt policy and a misspelt lab', async () => {
    expect((await run('--scenario', 'realm', '--policy', 'seires')).err).toMatch(/\ndid you mean 'series'\?$/)
    expect((await run('--lab', '05-move-swiotbl', '--policy', 'series')).err).toMatch(/\ndid you mean '05-move-swiotlb'\?$/)
  })

  it('a policy error is said once on stdout and located once on stderr, with its source line (it was said three times)', async () => {
    const file = join(dir, 'gina.c')
    writeFileSync(file, 'void __init mem_init(void)\n{\n\tno_such_fn();\n}\n')
    const r = await run('--scenario', 'realm', '--policy', file)
    expect(r.code).toBe(3)
    expect(r.out.split('\n')[0]).toBe('== gina on realm')
    expect(r.out.match(/no_such_fn/g)).toHaveLength(1)
    expect(r.err).toMatch(/^gina\.c:3:2: error: unknown function 'no_such_fn'/)
    expect(r.err.match(/gina\.c:3:2/g)).toHaveLength(1)
  })

  it('an unknown lab id is named as an id, not as a folder path of the installation', async () => {
    const r = await run('--lab', '5', '--policy', 'series')
    expect(r.code).toBe(3)
    expect(r.err).toMatch(/^bootlab: no lab '5' \(bootlab labs lists them; a lab folder of your own is given as a path, e\.g\. \.\/5\)/)
    expect(r.err).not.toContain('/labs/5')
  })

  it.each([
    [['--lab', '05-move-swiotlb', '--policy', 'series', '--timeout', '5'], 'bootlab: --timeout limits each submission of a --policy-dir'],
    [['--lab', '05-move-swiotlb', '--policy', 'series', '--jobs', '2'], 'bootlab: --jobs grades a --policy-dir in parallel'],
    [['--scenario', 'realm', '--policy', 'series', '--print', 'start'], 'bootlab: --print says what to print at a --break'],
    [['--scenario', 'realm', '--policy', 'series', '--learner', 'Ada'], 'bootlab: --learner names the learner on a --report'],
    [['--lab', '05-move-swiotlb', '--policy-dir', '.', '--jobs', '1.5'], "bootlab: --jobs must be a whole number of workers (1 or more), not '1.5'"],
  ])('an option that means nothing here is refused, not ignored: %j', async (args, message) => {
    const r = await run(...args)
    expect(r.code).toBe(3)
    expect(r.err).toBe(message)
  })

  it('--json with another --format says they conflict', async () => {
    const r = await run('--lab', '05-move-swiotlb', '--policy', 'series', '--json', '--format', 'junit')
    expect(r.code).toBe(3)
    expect(r.err).toBe('bootlab: --json is --format json; it cannot go with --format junit')
  })

  it('nothing is suggested for a name far from every known one', async () => {
    expect((await run('--scenario', 'zzzzzzzz', '--policy', 'series')).err).not.toContain('did you mean')
  })

  it('a misspelt native, at the call, with the source line and a caret', async () => {
    const file = join(dir, 'native.c')
    writeFileSync(file, readFileSync('labs/05-move-swiotlb/start.c', 'utf8').replace('\tswiotlb_update_mem_attributes();', '\tswiotlb_update_mem_atributes();'))
    const r = await run('--scenario', 'realm', '--policy', file)
    expect(r.code).toBe(3)
    const lines = r.err.split('\n')
    const at = lines.findIndex((l) => l.includes('unknown function'))
    expect(lines.slice(at, at + 3)).toEqual([
      "native.c:27:2: error: unknown function 'swiotlb_update_mem_atributes' (not defined in the policy, the base kernel or the natives); did you mean 'swiotlb_update_mem_attributes'?",
      '   27 |         swiotlb_update_mem_atributes();',
      '      |         ^~~~~~~~~~~~~~~~~~~~~~~~~~~~',
    ])
  })
})

describe("the missing ';'", () => {
  it("is reported as gcc does, at the end of the statement before the call, with the caret line", async () => {
    const source = readFileSync('labs/05-move-swiotlb/start.c', 'utf8').replace('\tswiotlb_init(swiotlb, flags);', '\tswiotlb_init(swiotlb, flags)')
    const file = join(dir, 'lab5.c')
    writeFileSync(file, source)
    const lineNo = source.split('\n').findIndex((l) => l === '\tswiotlb_init(swiotlb, flags)') + 1
    const column = '\tswiotlb_init(swiotlb, flags)'.length + 1
    const r = await run('--lab', '05-move-swiotlb', '--policy', file)
    expect(r.code).toBe(1)
    expect(r.err.split('\n').slice(0, 3)).toEqual([
      `lab5.c:${lineNo}:${column}: error: expected ';' before 'swiotlb_update_mem_attributes'`,
      `${String(lineNo).padStart(5)} |         swiotlb_init(swiotlb, flags)`,
      `      | ${' '.repeat(8 + 'swiotlb_init(swiotlb, flags)'.length)}^`,
    ])
  })
})
