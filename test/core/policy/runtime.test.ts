import { describe, expect, test } from 'vitest'
import { type CValue, type Frame, type Handle, Interpreter, KernelHalt, type NativeContext, PolicyError, type SourcePos, isRef } from '../../../src/core/policy'
import { compile, load, natives, runError } from './harness'

describe('the step budget', () => {
  test('while (1) {} stops at the line of the statement running out', () => {
    const it = load('int f(void)\n{\n\twhile (1) {}\n}', undefined, { maxSteps: 1000 })
    expect(runError(it)).toEqual({
      severity: 'error',
      code: 'budget',
      message: 'step budget of 1000 exceeded: does a loop never end?',
      file: 'policy.c',
      line: 3,
      column: 12,
      endLine: 3,
      endColumn: 14,
    })
  })

  test('for (;;) with its body on the next line', () => {
    const it = load('int f(void)\n{\n\tfor (;;)\n\t\t;\n}', undefined, { maxSteps: 500 })
    expect(runError(it)).toMatchObject({ code: 'budget', message: 'step budget of 500 exceeded: does a loop never end?', line: 4, column: 3 })
  })

  test('the default budget is 200 000 steps, shared by every call', () => {
    const it = load('int f(void) { for (;;) ; }\nint g(int n) { while (n--) ; return 0; }')
    expect(runError(it)).toMatchObject({ message: 'step budget of 200000 exceeded: does a loop never end?' })
    // block 1 + while 1 + 11 tests of n-- + 10 empty bodies + return 2 = 25 steps
    const small = load('int g(int n) { while (n--) ; return 0; }', undefined, { maxSteps: 40 })
    small.call('g', [10n])
    expect(small.steps).toBe(25)
    expect(() => small.call('g', [10n])).toThrow('step budget of 40 exceeded')
  })

  test('step counts are deterministic', () => {
    const src = 'int g(int x) { return x * 2; }\nint f(void) { int s = 0; for (int i = 0; i < 100; i++) s += g(i); return s; }'
    const a = load(src)
    const b = load(src)
    expect(a.call('f', [])).toBe(9900n)
    expect(b.call('f', [])).toBe(9900n)
    expect(a.steps).toBe(1311)
    expect(b.steps).toBe(1311)
  })
})

describe('call depth', () => {
  test('unbounded recursion stops at the call site', () => {
    const it = load('int f(int n)\n{\n\treturn f(n + 1);\n}')
    expect(runError(it, 'f', [0n])).toEqual({
      severity: 'error',
      code: 'runtime',
      message: "call depth limit of 64 exceeded calling 'f': unbounded recursion?",
      file: 'policy.c',
      line: 3,
      column: 9,
      endLine: 3,
      endColumn: 17,
    })
  })

  test('bounded recursion below the limit works, and the limit is configurable', () => {
    const src = 'int fact(int n) { if (n <= 1) return 1; return n * fact(n - 1); }'
    expect(load(src).call('fact', [10n])).toBe(3628800n)
    const shallow = new Interpreter(compile(src).program!, natives(), { maxDepth: 5 })
    expect(shallow.call('fact', [5n])).toBe(120n)
    expect(() => shallow.call('fact', [6n])).toThrow("call depth limit of 5 exceeded calling 'fact'")
  })
})

describe('natives and re-entrancy', () => {
  /** A page-table walker (native) that calls the policy's callback for each entry. */
  function walkerTable(trace: string[]) {
    const walk: Handle = { handle: 'mm_walk', fields: { action: 0n, private: 100n }, writable: ['action'] }
    const table = natives({
      walk_range: [
        2,
        (ctx, [start, end]) => {
          let sum = 0n
          for (let a = start as bigint; a < (end as bigint); a++) sum += ctx.call('pageattr_entry', [a, walk]) as bigint
          return sum
        },
      ],
      set_entry: [
        1,
        (ctx, [v]) => {
          const pos = ctx.callSite()
          trace.push(`set_entry(${v}) from ${pos?.file}:${pos?.line}:${pos?.column}`)
          trace.push(ctx.stack().map((f) => `${f.fn}/${f.origin}${f.line ? `:${f.line}` : ''}`).join(' > '))
        },
      ],
    })
    return { walk, table }
  }
  const src = [
    'static int pageattr_entry(unsigned long addr, struct mm_walk *walk)',
    '{',
    '\tif (addr == 2)',
    '\t\tset_entry(addr);',
    '\twalk->action = addr;',
    '\treturn walk->private + addr;',
    '}',
    '',
    'int f(void)',
    '{',
    '\treturn walk_range(0, 4);',
    '}',
  ].join('\n')

  test('a native calls back into the policy, which calls another native: one stack', () => {
    const trace: string[] = []
    const { walk, table } = walkerTable(trace)
    const it = load(src, table)
    expect(it.call('f', [])).toBe(406n)
    expect(walk.fields).toEqual({ action: 3n, private: 100n })
    expect(trace).toEqual([
      'set_entry(2) from policy.c:4:3',
      'f/policy:11 > walk_range/kernel > pageattr_entry/policy:4 > set_entry/kernel',
    ])
    expect(it.stack()).toEqual([])
  })

  test('native frames name the kernel file', () => {
    let frames: readonly Frame[] = []
    const t = natives({ WARN_ON: [1, (ctx: NativeContext, [c]: CValue[]) => ((frames = ctx.stack()), c)] })
    load('int f(void) { return WARN_ON(1); }', t).call('f', [])
    expect(frames).toEqual([
      { fn: 'f', origin: 'policy', file: 'policy.c', line: 1 },
      { fn: 'WARN_ON', origin: 'kernel', file: 'kernel/WARN_ON.c' },
    ])
  })

  test('natives see what the policy defines and its globals', () => {
    let seen: unknown[] = []
    const t = natives({ probe: [0, (ctx) => void (seen = [ctx.defines('f'), ctx.defines('probe'), ctx.global('g')])] })
    load('int g = 5;\nint f(void) { probe(); return 0; }', t).call('f', [])
    expect(seen).toEqual([true, false, 5n])
  })

  test('the policy definition wins over a native of the same name', () => {
    const t = natives({ helper: [0, () => 1n], call_helper: [0, (ctx) => ctx.call('helper', [])] })
    expect(load('int helper(void) { return 2; }\nint f(void) { return helper() * 10 + call_helper(); }', t).call('f', [])).toBe(22n)
  })

  test('a kernel halt unwinds the interpreter and leaves it usable', () => {
    const t = natives({ panic: [1, () => { throw new KernelHalt('Kernel panic') }] })
    const it = load('int f(void) { panic("x"); return 0; }\nint g(void) { return 3; }', t)
    expect(() => it.call('f', [])).toThrow(KernelHalt)
    expect(it.stack()).toEqual([])
    expect(it.call('g', [])).toBe(3n)
  })

  test('a kernel halt is an Error with its reason, and captures no JavaScript stack (it is control flow)', () => {
    const halt = new KernelHalt('Kernel panic - not syncing: Oops')
    expect(halt).toBeInstanceOf(Error)
    expect(halt.message).toBe('Kernel panic - not syncing: Oops')
    expect(halt.reason).toBe('Kernel panic - not syncing: Oops')
    expect(String(halt)).toBe('KernelHalt: Kernel panic - not syncing: Oops')
    expect(halt.stack).toBeUndefined()
  })

  test('natives calling with the wrong argument count get a located error', () => {
    const t = natives({ bad_walker: [0, (ctx) => ctx.call('cb', [1n, 2n])] })
    const it = load('int cb(int x) { return x; }\nint f(void)\n{\n\treturn bad_walker();\n}', t)
    expect(runError(it)).toMatchObject({ code: 'runtime', message: "'cb' takes 1 argument, called with 2", line: 4, column: 9 })
  })

  test('calling something that exists nowhere', () => {
    const it = load('int f(void) { return 0; }')
    expect(() => it.call('nope', [])).toThrow("no function named 'nope' in the policy or the kernel")
  })
})

describe('handles', () => {
  const walk = () => ({ handle: 'mm_walk', fields: { action: 0n, private: 7n }, writable: ['action'] }) as Handle
  const src = [
    'int rd(struct mm_walk *w) { return w->private; }',
    'int wr(struct mm_walk *w) { w->action = 2; w->action += 3; return w->action++; }',
    'int proto(struct mm_walk *w) { return w->__proto__; }',
    'int ctor(struct mm_walk *w) { return w->constructor; }',
    'int ro(struct mm_walk *w) { w->private = 1; return 0; }',
    'int num(long x) { return x->action; }',
    'int cmp(struct mm_walk *a, struct mm_walk *b) { return (a == b) * 10 + (a != 0); }',
  ].join('\n')

  test('declared fields read and write', () => {
    const w = walk()
    const it = load(src)
    expect(it.call('rd', [w])).toBe(7n)
    expect(it.call('wr', [w])).toBe(5n)
    expect(w.fields).toEqual({ action: 6n, private: 7n })
  })

  test('__proto__, constructor and undeclared fields are errors', () => {
    const it = load(src)
    expect(runError(it, 'proto', [walk()])).toMatchObject({ code: 'runtime', message: "handle 'mm_walk' has no field '__proto__'", line: 3, column: 39 })
    expect(runError(it, 'ctor', [walk()])).toMatchObject({ message: "handle 'mm_walk' has no field 'constructor'", line: 4, column: 38 })
    expect(runError(it, 'ro', [walk()])).toMatchObject({ message: "field 'private' of handle 'mm_walk' is read-only", line: 5, column: 29 })
    expect(runError(it, 'num', [5n])).toMatchObject({ message: "'->action' on an integer: only kernel handles have fields", line: 6, column: 26 })
  })

  test('handles compare by identity', () => {
    const a = walk()
    const it = load(src)
    expect(it.call('cmp', [a, a])).toBe(11n)
    expect(it.call('cmp', [a, walk()])).toBe(1n)
  })

  test('&name gives one ref handle per name', () => {
    let got: CValue[] = []
    const t = natives({ mutex_lock: [1, (_c, args) => void (got = args)] }, {}, ['pgtable_split_lock'])
    const it = load('int g;\nint f(void) { mutex_lock(&pgtable_split_lock); return &g == &g && &g != &pgtable_split_lock; }', t)
    expect(it.call('f', [])).toBe(1n)
    expect(isRef(got[0]) && got[0].name).toBe('pgtable_split_lock')
  })
})

describe('global hooks (for __ro_after_init and __initdata)', () => {
  test('reads and writes by the script report name, value and position', () => {
    const it = load('bool ready __ro_after_init;\nstatic int cfg __initdata = 4;\nint f(void)\n{\n\tready = true;\n\treturn cfg + ready;\n}')
    const events: string[] = []
    it.onGlobalWrite = (name: string, v: CValue, p: SourcePos) => events.push(`write ${name}=${v} at ${p.file}:${p.line}:${p.column}`)
    it.onGlobalRead = (name: string, p: SourcePos) => events.push(`read ${name} at ${p.line}:${p.column}`)
    expect(it.call('f', [])).toBe(5n)
    expect(events).toEqual(['write ready=1 at policy.c:5:2', 'read cfg at 6:9', 'read ready at 6:15'])
  })

  test('a hook may stop the write', () => {
    const it = load('bool ready __ro_after_init;\nint f(void) { ready = true; return 0; }')
    it.onGlobalWrite = (name) => {
      if (it.globalInfo(name)?.annotations.includes('__ro_after_init')) throw new KernelHalt(`write to read-only ${name}`)
    }
    expect(() => it.call('f', [])).toThrow('write to read-only ready')
    expect(it.getGlobal('ready')).toBe(0n)
  })

  test('kernel-side get/set do not call hooks; unknown globals are errors', () => {
    const it = load('int x = 1;')
    it.onGlobalRead = () => {
      throw new Error('hook called')
    }
    it.setGlobal('x', 9n)
    expect(it.getGlobal('x')).toBe(9n)
    expect(() => it.getGlobal('y')).toThrow(PolicyError)
    expect(() => it.setGlobal('y', 1n)).toThrow("no policy global named 'y'")
  })
})

test('speed: a simple loop runs well over 5M steps/s', () => {
  const it = load('unsigned long f(int n) { unsigned long s = 0; for (int i = 0; i < n; i++) { s += i * 3; if (s & 1) s ^= 0x10; } return s; }', undefined, { maxSteps: 1e9 })
  it.call('f', [10_000n])
  const before = it.steps
  const t0 = performance.now()
  it.call('f', [300_000n])
  const rate = (it.steps - before) / ((performance.now() - t0) / 1000)
  console.log(`policy interpreter: ${(rate / 1e6).toFixed(1)}M steps/s`)
  expect(rate).toBeGreaterThan(5e6)
})
