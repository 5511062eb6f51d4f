/*
 * A policy script is untrusted code: it may reach nothing but the core's API,
 * and however it runs away it must stop with a message naming its line, in
 * bounded time and memory (the runaways' times are the bench's: bench/runaways.ts). The interpreter resolves every name from its own
 * Maps (locals by slot, then #defines, globals, native constants, objects and
 * functions), never from a JavaScript object, so host globals and prototype
 * names are ordinary C identifiers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAX_CONSOLE_LINES, MAX_LINE_CHARS } from '../../../src/core/console/printk'
import { type BootResult, parseScenario, stepBudget } from '../../../src/core'
import { readNamed } from '../../../src/node/resources'
import { bootWith } from '../../helpers/boot'
import { BUDGET_LOOPS, HUGE_VALUES, PRINTING_LOOPS, type RunawayBoot } from '../../helpers/runaways'
import { brief, compile, load } from './harness'

const HOST_NAMES = ['globalThis', 'process', 'require', 'eval', 'Function', 'window', 'self', 'module', 'console', 'Object', 'this', 'import']
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf']

const prototypeSnapshot = () => Object.getOwnPropertyNames(Object.prototype).sort()

describe('names resolve only from the policy, the base kernel and the natives', () => {
  it.each(HOST_NAMES)('host global %s is an undeclared identifier and an unknown function', (name) => {
    const c = compile(`int f(void)\n{\n\treturn ${name} != 0;\n}\nint g(void)\n{\n\treturn ${name}(1);\n}\n`)
    expect(c.program).toBeNull()
    expect(brief(c.diagnostics)).toEqual([
      `3:9 unknown-identifier '${name}' undeclared (not a local, a global, a #define or a kernel constant)`,
      `7:9 unknown-function unknown function '${name}' (not defined in the policy, the base kernel or the natives)`,
    ])
  })

  it.each(PROTOTYPE_NAMES)('%s works as an ordinary function, global, local and #define name', (name) => {
    const before = prototypeSnapshot()
    const it = load(`
#define ${name}_four 4
unsigned long ${name} = 5;
static int ${name}_fn(int ${name}_arg) { return ${name}_arg + 1; }
int f(void)
{
	int local_${name} = ${name}_fn(${name}_four);
	${name} = ${name} + local_${name};
	return ${name};
}`)
    expect(it.call('f', [])).toBe(10n)
    expect(it.getGlobal(name)).toBe(10n)
    expect(prototypeSnapshot()).toEqual(before)
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  })

  it.each(PROTOTYPE_NAMES)('a function named %s is defined by the policy, not found on a prototype', (name) => {
    const it = load(`int ${name}(void) { return 7; }\nint f(void) { return ${name}() * 6; }`)
    expect(it.call('f', [])).toBe(42n)
    expect(it.defines(name)).toBe(true)
    expect(it.defines('hasOwn')).toBe(false)
  })

  it.each(PROTOTYPE_NAMES)('undeclared %s is an error, not a property of some object', (name) => {
    const c = compile(`int f(void) { return ${name}; }\nint g(void) { return ${name}(); }`)
    expect(c.diagnostics.map((d) => d.code)).toEqual(['unknown-identifier', 'unknown-function'])
  })

  it('handle fields named after Object.prototype members neither read nor pollute it', () => {
    const before = prototypeSnapshot()
    const walk = { handle: 'mm_walk', fields: { action: 0n }, writable: ['action'] }
    for (const name of PROTOTYPE_NAMES) {
      const it = load(`int rd(struct mm_walk *w) { return w->${name} != 0; }\nint wr(struct mm_walk *w) { w->${name} = 1; return 0; }`)
      expect(() => it.call('rd', [walk])).toThrow(`handle 'mm_walk' has no field '${name}'`)
      expect(() => it.call('wr', [walk])).toThrow(`handle 'mm_walk' has no field '${name}'`)
    }
    expect(walk.fields).toEqual({ action: 0n })
    expect(Object.getPrototypeOf(walk.fields)).toBe(Object.prototype)
    expect(prototypeSnapshot()).toEqual(before)
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('&name of a global is a frozen reference with no fields', () => {
    const it = load('int g;\nint f(void) { int *p = &g; return p->action; }')
    expect(() => it.call('f', [])).toThrow("handle 'ref' has no field 'action'")
  })
})

/** Every .ts file under src/core. */
function coreSources(dir = 'src/core'): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? coreSources(path) : path.endsWith('.ts') ? [path] : []
  })
}

describe('no code from strings', () => {
  it('src/core never calls eval, new Function or a string-taking timer', () => {
    const offenders = coreSources().filter((file) => /\beval\s*\(|\bnew\s+Function\b|\bFunction\s*\(|set(Timeout|Interval)\s*\(\s*['"`]/.test(readFileSync(file, 'utf8')))
    expect(offenders).toEqual([])
  })

  it('src/core reaches no host global that could leave the sandbox', () => {
    const offenders = coreSources().filter((file) => /(?<![.\w])(globalThis|process|require|window|self|document|fetch|XMLHttpRequest|importScripts)\s*(\.|\((?!\)\s*:))/.test(readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
    expect(offenders).toEqual([])
  })
})

/** The last error diagnostic of a boot: where and why the policy was stopped. */
function stopped(r: BootResult) {
  expect(r.verdict.status).toBe('policy-error')
  return r.diagnostics.filter((d) => d.severity === 'error').at(-1)!
}

/** Boot a runaway (its time is the bench's: bench/runaways.ts). */
const bootRunaway = (r: RunawayBoot) => bootWith(r.scenario, r.text, r.file)

describe('runaway policies stop with a message naming the line', () => {
  it.each(BUDGET_LOOPS.map((r) => [r.what, r.scenario, r] as const))('a loop calling %s on %s ends at the step budget', async (_name, scenario, runaway) => {
    const d = stopped(await bootRunaway(runaway))
    // The budget grows with the machine (stepBudget): 200,000 plus 1,000 per CPU here.
    const named = readNamed(scenario, 'scenario')
    const budget = stepBudget(parseScenario(named.text, named.file).scenario!)
    expect(d).toMatchObject({ code: 'budget', message: `step budget of ${budget} exceeded: does a loop never end?` })
    // The statement the budget ran out in: the loop, or a base-kernel function it calls (split_pgtable_alloc).
    expect(`${d.file}:${d.line}`).toMatch(/^(runaway\.c:[345]|unpatched\.c:\d+)$/)
  })

  it.each(PRINTING_LOOPS.map((r) => [r.what, r.scenario, r] as const))('a loop printing through %s on %s stops when the kernel log is full, at its line', async (_name, _scenario, runaway) => {
    const r = await bootRunaway(runaway)
    expect(stopped(r)).toMatchObject({ file: 'runaway.c', line: 4, code: 'budget', message: `the kernel log reached ${MAX_CONSOLE_LINES} lines: does a loop print (pr_info, WARN) without end?` })
    expect(r.console.length).toBeLessThanOrEqual(MAX_CONSOLE_LINES)
  })

  it('a huge printk width or string is cut to a printk record, not allocated', async () => {
    const r = await bootRunaway(HUGE_VALUES.printk)
    expect(r.console.filter((l) => l.text.length === MAX_LINE_CHARS)).toHaveLength(2)
    expect(Math.max(...r.console.map((l) => l.text.length))).toBe(MAX_LINE_CHARS)
  })

  it('a shift too large for a C integer is refused at the call, not computed', async () => {
    const d = stopped(await bootRunaway(HUGE_VALUES.shift))
    expect(d).toMatchObject({ file: 'runaway.c', line: 4, message: 'BIT(1000000000): the bit number must be from 0 to 63' })
  })

  it('kernel values wider than 64 bits stop at the next native call', async () => {
    const d = stopped(await bootRunaway(HUGE_VALUES.wide))
    expect(d).toMatchObject({ file: 'runaway.c', line: 3, message: 'argument 2 of pr_info() does not fit in 64 bits' })
  })

  it('squaring a handle field in a loop wraps at 64 bits instead of growing without bound', async () => {
    const r = await bootRunaway(HUGE_VALUES.squaring)
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  })

  it('recursion through a native stops at the call-depth limit, at the recursive call', async () => {
    const d = stopped(await bootRunaway(HUGE_VALUES.recursion))
    expect(d).toMatchObject({ file: 'runaway.c', line: 4 })
    expect(d.message).toMatch(/^call depth limit of 64 exceeded calling '/)
  })
})
