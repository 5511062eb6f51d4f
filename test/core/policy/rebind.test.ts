/*
 * An interpreter run again for another boot (Interpreter.rebind): the same
 * compiled closures against new natives must behave exactly as a fresh
 * interpreter would, or refuse when a value folded into them no longer holds.
 */
import { describe, expect, test } from 'vitest'
import { Interpreter } from '../../../src/core/policy'
import { compile, natives } from './harness'

const SOURCE = `
#define SHARED_TOP (PROT_NS_SHARED | 1)
int calls = 5;
int bump(void) { calls = calls + 1; return calls; }
unsigned long top(void) { return SHARED_TOP; }
unsigned long size(void) { return max_pfn; }
unsigned long ask(void) { return where(); }
int spin(void) { for (;;) ; }
`

const machine = (shared: bigint, pfns: bigint, answer: bigint) =>
  natives({ where: [0, () => answer] }, { PROT_NS_SHARED: shared, max_pfn: pfns })

function fresh(table: ReturnType<typeof machine>, maxSteps?: number): Interpreter {
  const c = compile(SOURCE, table)
  expect(c.diagnostics).toEqual([])
  return new Interpreter(c.program!, table, { maxSteps })
}

describe('rebind', () => {
  test('a rebound interpreter starts from the initial globals, zero steps and the new natives', () => {
    const first = machine(1n << 47n, 0x80000n, 7n)
    const it = fresh(first)
    expect(it.call('bump', [])).toBe(6n)
    expect(it.call('bump', [])).toBe(7n)
    expect(it.call('ask', [])).toBe(7n)
    const second = machine(1n << 47n, 0x200000n, 9n)
    expect(it.rebind(second)).toBe(true)
    expect(it.steps).toBe(0)
    expect(it.getGlobal('calls')).toBe(5n)
    // What a fresh interpreter on the second machine answers, the rebound one answers.
    const reference = fresh(second)
    for (const fn of ['bump', 'size', 'ask', 'top']) expect(it.call(fn, [])).toBe(reference.call(fn, []))
    expect(it.steps).toBe(reference.steps)
  })

  test('a constant folded into a #define with another value on the new machine refuses', () => {
    const it = fresh(machine(1n << 47n, 0x80000n, 0n))
    expect(it.call('top', [])).toBe((1n << 47n) | 1n)
    expect(it.rebind(machine(1n << 39n, 0x80000n, 0n))).toBe(false)
  })

  test("the new run's step budget applies, at the looping line", () => {
    const it = fresh(machine(0n, 1n, 0n), 1_000)
    expect(() => it.call('spin', [])).toThrow('step budget of 1000 exceeded')
    expect(it.rebind(machine(0n, 1n, 0n), { maxSteps: 300 })).toBe(true)
    expect(() => it.call('spin', [])).toThrow('step budget of 300 exceeded')
    expect(it.stack()).toEqual([])
  })

  test('a released interpreter holds none of its run: natives dropped, globals at their initializers', () => {
    const it = fresh(machine(0n, 1n, 3n))
    it.call('bump', [])
    expect(it.call('ask', [])).toBe(3n)
    it.release()
    expect(it.getGlobal('calls')).toBe(5n)
    expect(() => it.call('ask', [])).toThrow('released interpreter')
    expect(it.rebind(machine(0n, 1n, 4n))).toBe(true)
    expect(it.call('ask', [])).toBe(4n)
  })

  test("a debugger's interpreter is never run again", () => {
    const table = machine(0n, 1n, 0n)
    const c = compile(SOURCE, table)
    const it = new Interpreter(c.program!, table, {}, () => {})
    expect(it.rebind(table)).toBe(false)
  })
})
