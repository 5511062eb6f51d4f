/*
 * printk amplification (issue 11, item 1): a printk, WARN or panic costs the
 * interpreter steps in proportion to the format it scans and the text it
 * produces, stops formatting once the record (1,024 chars) is full, and keeps
 * a flat copy of what it keeps. The hostile policies of the red-team pass are
 * booted through the command line in a child process with a capped heap; each
 * must end at its budget as an error at the policy's line, in bounded time and
 * memory. The time bound is generous (the machine is shared; the target of 2 s
 * is what an idle machine shows); the figures are logged.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario, stepBudget } from '../../../src/core'
import { bootWith } from '../../helpers/boot'
import { readFileSync } from 'node:fs'

const dir = mkdtempSync(join(tmpdir(), 'bootlab-amplify-'))
// The child boots on 'host': its budget is the machine-sized one (src/core/boot/boot.ts stepBudget).
const HOST = parseScenario(readFileSync(join(import.meta.dirname, '../../../resources/scenarios/host.yaml'), 'utf8'), 'host.yaml')
const BUDGET = HOST.scenario ? stepBudget(HOST.scenario) : NaN
const child = join(import.meta.dirname, 'amplification-child.ts')
const MB = 1024 * 1024

interface Figures {
  code: number
  millis: number
  afterBoot: number
  retained: number
  lines: number
  longest: number
  diagnostics: { file: string; line: number; code: string; message: string }[]
}

/** Boot `text` as amplify.c through the CLI in a child with a 512 MB old space; it is killed after 60 s. */
function bootChild(name: string, text: string): Figures {
  const file = join(mkdtempSync(join(dir, 'case-')), 'amplify.c')
  writeFileSync(file, text)
  const stdout = execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=512', '--import', 'tsx', child, 'host', file], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * MB,
  })
  const figures = JSON.parse(stdout.trim().split('\n').pop()!) as Figures
  console.log(`${name}: ${figures.millis.toFixed(0)} ms, heap +${(figures.afterBoot / MB).toFixed(1)} MB after boot, ${(figures.retained / MB).toFixed(1)} MB retained, ${figures.lines} log lines`)
  return figures
}

const repeat = (s: string, n: number) => s.repeat(n)
const loop = (call: string) => `void __init mem_init(void)\n{\n\tint i;\n\n\tfor (i = 0; ; i++)\n\t\t${call}\n}\n`

describe('printk, WARN and panic formats cannot amplify a policy into host time and memory', () => {
  it.each([
    ['pr_info %1024d x 2000', loop(`pr_info("${repeat('%1024d', 2000)}\\n", i);`), `step budget of ${BUDGET} exceeded: does a loop never end?`],
    ['pr_info %% x 30000', loop(`pr_info("${repeat('%%', 30_000)}\\n");`), `step budget of ${BUDGET} exceeded: does a loop never end?`],
    ['WARN %1024s x 2000', loop(`WARN(1, "${repeat('%1024s', 2000)}\\n", "x");`), new RegExp(`^(step budget of ${BUDGET} exceeded|the kernel log reached 10000 lines)`)],
  ])('%s in a loop ends at a budget at its line, in bounded time and memory', (name, text, message) => {
    const f = bootChild(name, text)
    expect(f.code).toBe(3)
    expect(f.diagnostics).toHaveLength(1)
    // The loop: its printing call (line 6) or, when the budget runs out between calls, the for statement (line 5).
    expect(f.diagnostics[0]).toMatchObject({ file: 'amplify.c', code: 'budget' })
    expect([5, 6]).toContain(f.diagnostics[0].line)
    expect(f.diagnostics[0].message).toMatch(message)
    expect(f.longest).toBeLessThanOrEqual(1024)
    // The target is 2 s (measured 0.9 to 1.7 s on a quiet machine, up to 13 s at a load average of 20);
    // the old code ran out of its 512 MB heap or took 48 to 81 s.
    expect(f.millis).toBeLessThan(30_000)
    expect(f.afterBoot).toBeLessThan(100 * MB)
    expect(f.retained).toBeLessThan(100 * MB)
  }, 90_000)
})

describe('a printk pays for its format', () => {
  const steps = async (call: string) => (await bootWith('host', `void __init mem_init(void)\n{\n\tint i;\n\n\tfor (i = 0; i < 10; i++)\n\t\t${call}\n}\n`)).counters.policySteps

  it('one step per 16 characters scanned or printed, on top of the call', async () => {
    // "%1024d\n": 6 format characters read before the record is full, 1,024 printed: 1,030 / 16 = 64 steps a call.
    expect((await steps('pr_info("%1024d\\n", i);')) - (await steps('pr_info("%d\\n", i);'))).toBe(10 * 64)
  })

  it('a WARN whose condition is false formats nothing and pays nothing', async () => {
    expect(await steps('WARN(0, "%1024d\\n", i);')).toBe(await steps('WARN(0, "%d\\n", i);'))
  })

  it('a panic message is cut to the record and named in the fault', async () => {
    const r = await bootWith('host', `void __init mem_init(void)\n{\n\tpanic("${'%1024s'.repeat(2000)}", "x");\n}\n`)
    expect(r.verdict.status).toBe('failed')
    const panic = r.splats.find((s) => s.kind === 'panic')!
    expect(panic.message).toHaveLength(1024)
    expect(panic.message).toBe(' '.repeat(1023) + 'x')
  })
})

describe('a % that is no conversion still pays for what was read', () => {
  it('"%" + 100 000 zeros + "q" costs its length in steps, not one record, and is read in linear time', async () => {
    const long = `%${'0'.repeat(100_000)}q`
    const r = await bootWith('host', `void __init mem_init(void)\n{\n\tpr_info("${long}");\n}\n`)
    expect(r.console.some((l) => l.text === `%${'0'.repeat(1023)}`)).toBe(true)
    // 100 001 characters read by the conversion match that failed, 1 024 read and printed: 6 314 steps at least.
    expect(r.counters.policySteps).toBeGreaterThan(Math.floor((100_001 + 2 * 1024) / 16))
  })
})
