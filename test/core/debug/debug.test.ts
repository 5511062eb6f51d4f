/*
 * The policy debugger's engine (src/core/debug): breakpoints, conditions,
 * logpoints, stepping and time travel, checked against facts found without it:
 * an instrumented copy of the policy that prints its own arguments, the
 * console's own swiotlb line, the address layout of the kernel reference.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Parser } from 'web-tree-sitter'
import { boot, type KernelPolicy, parseScenario, type Scenario, validateScenario } from '../../../src/core'
import { DebugSession, type Stop } from '../../../src/core/debug'
import { physOffsetFor, physToVirt, phys } from '../../../src/core/memory/addr'
import { loadKernelPolicy } from '../../../src/node/kernel-policy'
import { readNamed } from '../../../src/node/resources'
import { loadCParser } from '../../helpers/c-parser'

let parser: Parser
let v2: KernelPolicy
let v2Text: string
let realm: Scenario

const scenario = (name: string): Scenario => parseScenario(readNamed(name, 'scenario').text, name).scenario!
/** 1-based line of the first line of `text` matching `re` (after line `from`). */
const lineOf = (text: string, re: RegExp, from = 0): number => text.split('\n').findIndex((l, i) => i >= from && re.test(l)) + 1

beforeAll(async () => {
  parser = await loadCParser()
  v2Text = readNamed('patched-v2', 'policy').text
  v2 = await loadKernelPolicy(readNamed('patched-v2', 'policy'))
  realm = scenario('realm')
})

/** Continue to the end, collecting every stop. */
function allStops(s: DebugSession, first: Stop): Stop[] {
  const stops: Stop[] = []
  for (let st = first; st.reason !== 'end'; st = s.continue()) stops.push(st)
  return stops
}

const local = (st: Stop, name: string) => st.state.frames[0].locals!.find((v) => v.name === name)!

describe('breakpoints', () => {
  it('inside split_kernel_leaf_mapping() on the realm with v2: one stop per call, the swiotlb calls at the pool range', () => {
    const fnLine = lineOf(v2Text, /^int split_kernel_leaf_mapping\(/)
    const firstStatement = lineOf(v2Text, /^\s+int ret;/, fnLine)
    expect(firstStatement).toBeGreaterThan(fnLine)

    // Independent count: the same policy with the function printing its arguments first.
    const body = v2Text.slice(v2Text.indexOf('int split_kernel_leaf_mapping('))
    const fn = body.slice(0, body.indexOf('\n}\n') + 3).replace('\tint ret;\n', '\tint ret;\n\n\tpr_info("split %lx %lx\\n", start, end);\n')
    return loadKernelPolicy({ name: 'traced', file: 'traced.c', text: `/* Builds on: patched-v2 */\n${fn}` }).then((traced) => {
      const printed = boot(realm, traced)
        .console.map((l) => /split ([0-9a-f]+) ([0-9a-f]+)/.exec(l.text))
        .filter((m) => m !== null)
        .map((m) => [BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`)])
      expect(printed.length).toBeGreaterThan(2)

      const s = new DebugSession({ scenario: realm, policy: v2, parser })
      const [bp] = s.setBreakpoints('patched-v2.c', [{ line: firstStatement }])
      expect(bp).toMatchObject({ verified: true, actualLine: firstStatement })
      const stops = allStops(s, s.start())
      expect(stops.map((st) => [BigInt(local(st, 'start').decimal!), BigInt(local(st, 'end').decimal!)])).toEqual(printed)
      for (const st of stops) expect(st.state).toMatchObject({ file: 'patched-v2.c', line: firstStatement, fn: 'split_kernel_leaf_mapping' })

      // The pool: the console's own line (kernel/dma/swiotlb.c prints it), its size the default 64 MiB, __va() of the reference.
      const plain = boot(realm, v2)
      const m = /software IO TLB: mapped \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\]/.exec(plain.console.map((l) => l.text).join('\n'))!
      const [pa, paEnd] = [Number.parseInt(m[1], 16), Number.parseInt(m[2], 16)]
      expect(paEnd - pa).toBe(realm.cmdline.swiotlb)
      expect(realm.cmdline.swiotlb).toBe(64 * 2 ** 20)
      const layout = { physOffset: physOffsetFor(phys(realm.machine.ram[0].base)) }
      const va = (p: number) => 0xffff000000000000n + BigInt(physToVirt(layout, phys(p)))
      const pool = stops.filter((st) => st.state.frames.some((f) => f.name === 'swiotlb_update_mem_attributes'))
      expect(pool.length).toBeGreaterThan(0)
      for (const st of pool) {
        expect(local(st, 'start').hex).toBe(`0x${va(pa).toString(16)}`)
        expect(local(st, 'end').hex).toBe(`0x${va(paEnd).toString(16)}`)
        // The stack names policy frames with file:line and native frames as the kernel does.
        expect(st.state.frames.map((f) => f.name)).toEqual(expect.arrayContaining(['split_kernel_leaf_mapping', 'update_range_prot', '__set_memory_enc_dec', 'set_memory_decrypted', 'swiotlb_update_mem_attributes', 'mem_init', 'start_kernel']))
        expect(st.state.machine).toMatchObject({ window: 'W1', allocator: 'buddy', onlineCpus: 1, capsFinalized: false })
      }
    })
  })

  it('a conditional breakpoint stops only where its C condition is true; a logpoint prints and never stops', () => {
    const line = lineOf(v2Text, /^\s+int ret;/, lineOf(v2Text, /^int split_kernel_leaf_mapping\(/))
    const all = new DebugSession({ scenario: realm, policy: v2, parser })
    all.setBreakpoints('patched-v2.c', [{ line }])
    const every = allStops(all, all.start())
    const big = every.filter((st) => BigInt(local(st, 'end').decimal!) - BigInt(local(st, 'start').decimal!) > 2n * 2n ** 20n)
    expect(big.length).toBeGreaterThan(0)
    expect(big.length).toBeLessThan(every.length)

    const s = new DebugSession({ scenario: realm, policy: v2, parser })
    s.setBreakpoints('patched-v2.c', [{ line, condition: 'end - start > SZ_2M' }])
    expect(allStops(s, s.start()).map((st) => st.index)).toEqual(big.map((st) => st.index))

    const logs = new DebugSession({ scenario: realm, policy: v2, parser })
    logs.setBreakpoints('patched-v2.c', [{ line, logMessage: 'split {start:x}-{end:x} ({end - start} bytes)' }])
    expect(logs.start().reason).toBe('end')
    expect(logs.recording().logs.map((l) => l.text)).toEqual(every.map((st) => `split ${local(st, 'start').hex}-${local(st, 'end').hex} (${BigInt(local(st, 'end').decimal!) - BigInt(local(st, 'start').decimal!)} bytes)`))
    // Looking does not change the boot: same console and verdict as a plain boot.
    const plain = boot(realm, v2)
    expect(logs.recording().result.console).toEqual(plain.console)
    expect(logs.recording().result.counters.policySteps).toBe(plain.counters.policySteps)
  })

  it('a condition that does not compile stops with the error; a line without code is moved to the next statement', () => {
    const s = new DebugSession({ scenario: realm, policy: v2, parser })
    const fnLine = lineOf(v2Text, /^int split_kernel_leaf_mapping\(/)
    const [bad, moved, none] = s.setBreakpoints('patched-v2.c', [
      { line: lineOf(v2Text, /^\s+int ret;/, fnLine), condition: 'no_such_name > 1' },
      { line: fnLine + 3 },
      { line: 1 },
    ])
    expect(moved).toMatchObject({ verified: true })
    expect(moved.actualLine).toBeGreaterThan(fnLine + 3)
    expect(none).toMatchObject({ verified: false })
    const st = s.start()
    expect(st.breakpoint).toBe(bad.id)
    expect(st.conditionError).toMatch(/no_such_name/)
    expect(s.setBreakpoints('patched-v2.c', [{ line: fnLine + 2, condition: 'start +' }])[0]).toMatchObject({ verified: false, message: expect.stringMatching(/start \+/) })
  })
})

describe('stepping and time travel', () => {
  /** The realm with a hypothetical caller sharing memory right after arch_mm_preinit(): black-out window 0. */
  const w0 = () =>
    validateScenario(
      { ...(parseScenario(readNamed('realm', 'scenario').text, 'realm').scenario as object), name: 'realm-w0', extraCallers: [{ name: 'w0_share', at: 'arch_mm_preinit', size: '64K' }] },
      'realm-w0.yaml',
    ).scenario!

  it('step over WARN_ON(!page_alloc_available) under the W0 call adds exactly that splat to the console; reverse step restores the state', () => {
    const scen = w0()
    const warnLine = lineOf(v2Text, /WARN_ON\(!page_alloc_available\)/)
    const s = new DebugSession({ scenario: scen, policy: v2, parser })
    s.setBreakpoints('patched-v2.c', [{ line: warnLine }])
    const at = s.start()
    expect(at.state).toMatchObject({ line: warnLine, machine: { window: 'W0', allocator: 'memblock' } })
    expect(at.state.frames.map((f) => f.name)).toContain('w0_share')
    expect(s.evaluate('page_alloc_available').value?.decimal).toBe('0')

    const after = s.stepOver()
    expect(after.state.line).toBe(warnLine + 1)
    expect(after.state.fn).toBe('split_kernel_leaf_mapping')
    // The splat the boot printed for this WARN, from the recording's own splat list.
    const result = s.recording().result
    const splat = result.splats.find((x) => x.kind === 'warn' && x.site.line === warnLine)!
    const [first, last] = splat.lines
    expect(first).toBe(at.state.console.length)
    expect(after.state.console.slice(0, first)).toEqual(at.state.console)
    expect(after.state.console.slice(first)).toEqual(result.console.slice(first, last + 1).map((l) => l.line))
    // kernel/panic.c's __warn() on a 7.0 kernel: the cut line, then the site as file:line at fn+off/size.
    expect(after.state.console[first]).toMatch(/------------\[ cut here \]------------/)
    // The header names the kernel's file (arch/arm64/mm/mmu.c, docs/model.md); the policy's own line stays in the BootResult.
    expect(after.state.console[first + 1]).toMatch(/WARNING: arch\/arm64\/mm\/mmu\.c:\d+ at split_kernel_leaf_mapping\+0x[0-9a-f]+\/0x[0-9a-f]+, CPU#0: swapper\/0/)

    const back = s.stepBack()
    expect(back.index).toBe(at.index)
    expect(back.state.frames).toEqual(at.state.frames)
    expect(back.state.map).toEqual(at.state.map)
    expect(back.state.console.length).toBe(at.state.console.length)
    expect(back.state.globals).toEqual(at.state.globals)
  })

  it('reverse step after a split returns the page tables, locals and console of before it (replayed, not cached)', () => {
    const fnLine = lineOf(v2Text, /^int split_kernel_leaf_mapping\(/)
    const retLine = lineOf(v2Text, /^\s+return ret;/, fnLine)
    const s = new DebugSession({ scenario: realm, policy: v2, parser })
    s.setBreakpoints('patched-v2.c', [{ line: lineOf(v2Text, /arch_enter_lazy_mmu_mode/, fnLine) }])
    const before = s.start()
    let st = before
    while (st.state.line !== retLine) st = s.stepOver()
    expect(st.state.map).not.toEqual(before.state.map)
    // A second session has no cached states: its reverse steps are replays.
    const fresh = new DebugSession({ scenario: realm, policy: v2, parser })
    fresh.setBreakpoints('patched-v2.c', [{ line: lineOf(v2Text, /arch_enter_lazy_mmu_mode/, fnLine) }])
    fresh.goto(st.index)
    let back = fresh.stepBack()
    while (back.index > before.index) back = fresh.stepBack()
    expect(back.index).toBe(before.index)
    expect(back.state.frames).toEqual(before.state.frames)
    expect(back.state.map).toEqual(before.state.map)
    expect(back.state.console).toEqual(before.state.console)
  })

  it('a condition or an expression that calls a policy function is evaluated in the stopped frame, and the boot counts none of its statements', () => {
    const line = lineOf(v2Text, /^\s+int ret;/, lineOf(v2Text, /^int split_kernel_leaf_mapping\(/))
    const plain = new DebugSession({ scenario: realm, policy: v2, parser })
    plain.setBreakpoints('patched-v2.c', [{ line }])
    const stops = allStops(plain, plain.start())
    expect(stops.length).toBeGreaterThan(1)

    // can_set_direct_map() is policy code (unpatched.c): true on a realm with rodata=full.
    const s = new DebugSession({ scenario: realm, policy: v2, parser })
    s.setBreakpoints('patched-v2.c', [{ line, condition: 'can_set_direct_map()' }])
    const first = s.start()
    expect(first).toMatchObject({ reason: 'breakpoint', index: stops[0].index })
    expect(s.total).toBe(plain.total)
    expect(first.state.frames[0].name).toBe('split_kernel_leaf_mapping')
    expect(s.evaluate('can_set_direct_map()')).toMatchObject({ value: { decimal: '1' } })
    expect(s.evaluate('end - start')).toMatchObject({ value: { decimal: String(BigInt(local(stops[0], 'end').decimal!) - BigInt(local(stops[0], 'start').decimal!)) } })
    expect(allStops(s, s.continue()).map((st) => st.index)).toEqual(stops.slice(1).map((st) => st.index))
  })

  it('step into enters policy callees, step out leaves them, and the execution slider reaches every statement', () => {
    const s = new DebugSession({ scenario: realm, policy: v2, parser })
    const entry = s.start(true)
    expect(entry).toMatchObject({ reason: 'entry', index: 0 })
    const total = s.total
    expect(total).toBeGreaterThan(100)
    // Step into until a deeper policy frame; step out returns to a shallower one.
    let st = entry
    while (st.state.frames.filter((f) => f.origin === 'policy').length < 2 && st.reason !== 'end') st = s.stepIn()
    const depth = st.state.frames.filter((f) => f.origin === 'policy').length
    expect(depth).toBeGreaterThanOrEqual(2)
    const out = s.stepOut()
    expect(out.state.frames.filter((f) => f.origin === 'policy').length).toBeLessThan(depth)
    expect(s.goto(total).reason).toBe('end')
    expect(s.goto(total).state.console).toEqual(s.recording().result.console.map((l) => l.line))
    expect(s.reverseContinue()).toMatchObject({ reason: 'entry', index: 0 })
  })

  it('step over and step out stop at a breakpoint hit on the way, as gdb does', () => {
    // mem_init() calls swiotlb_update_mem_attributes(), which reaches split_kernel_leaf_mapping() (policy code).
    const memInit = lineOf(v2Text, /^\s+swiotlb_update_mem_attributes\(\);/, lineOf(v2Text, /^void __init mem_init\(/))
    const inSplit = lineOf(v2Text, /^\s+int ret;/, lineOf(v2Text, /^int split_kernel_leaf_mapping\(/))
    const s = new DebugSession({ scenario: realm, policy: v2, parser })
    s.setBreakpoints('patched-v2.c', [{ line: memInit }])
    const atCall = s.start()
    expect(atCall.state.frames[0]).toMatchObject({ name: 'mem_init', line: memInit })
    s.setBreakpoints('patched-v2.c', [{ line: memInit }, { line: inSplit }])
    const over = s.stepOver()
    expect(over).toMatchObject({ reason: 'breakpoint' })
    expect(over.state.frames[0]).toMatchObject({ name: 'split_kernel_leaf_mapping', line: inSplit })
    // Out of that call of split_kernel_leaf_mapping(): the boot goes on (other calls follow), it does not end.
    const out = s.stepOut()
    expect(out.index).toBeGreaterThan(over.index)
    expect(out.index).toBeLessThan(s.total)
  })

  it('step out of a function the kernel called stops in the next policy statement after it returns, not at the end of the boot', () => {
    const s = new DebugSession({ scenario: realm, policy: v2, parser })
    const entry = s.start(true)
    const policyFrames = entry.state.frames.filter((f) => f.origin === 'policy')
    expect(policyFrames).toHaveLength(1)
    const out = s.stepOut()
    expect(out.reason).toBe('step')
    expect(out.index).toBeLessThan(s.total)
    // A statement of a later call: the first statement's function has returned (or another call of it began).
    expect(out.index).toBeGreaterThan(entry.index)
  })

  it('prefetching reads the neighbouring states in one replay, equal to those replayed one by one', () => {
    const line = lineOf(v2Text, /^\s+int ret;/, lineOf(v2Text, /^int split_kernel_leaf_mapping\(/))
    const session = () => {
      const s = new DebugSession({ scenario: realm, policy: v2, parser })
      s.setBreakpoints('patched-v2.c', [{ line }])
      s.setWatches(['end - start'])
      return s
    }
    const [a, b] = [session(), session()]
    const moves = (s: DebugSession, prefetch: boolean) =>
      (['continue', 'stepOver', 'stepIn', 'stepBack', 'stepOut', 'reverseContinue', 'continue'] as const).map((m) => {
        if (prefetch) s.prefetch()
        return s[m]()
      })
    a.start()
    b.start()
    expect(a.prefetch()).toBeGreaterThan(0)
    expect(a.prefetch()).toBe(0)
    expect(moves(a, true)).toEqual(moves(b, false))
  })

  it('is deterministic: two sessions stop at the same statements with the same states', () => {
    const line = lineOf(v2Text, /^\s+int ret;/, lineOf(v2Text, /^int split_kernel_leaf_mapping\(/))
    const run = () => {
      const s = new DebugSession({ scenario: realm, policy: v2, parser })
      s.setBreakpoints('patched-v2.c', [{ line }])
      s.setWatches(['end - start', 'num_online_cpus()'])
      const stops = [s.start()]
      stops.push(s.stepOver(), s.stepIn(), s.stepBack(), s.continue(), s.reverseContinue(), s.continue(), s.continue())
      return stops
    }
    const [a, b] = [run(), run()]
    expect(a.map((x) => x.index)).toEqual(b.map((x) => x.index))
    expect(a).toEqual(b)
    expect(a[0].state.watches.map((w) => w.value?.decimal)).toEqual([String(64 * 2 ** 20), '1'])
  })
})
