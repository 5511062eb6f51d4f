/*
 * `bootlab dap` over stdio, driven by @vscode/debugadapter-testsupport's
 * DebugClient as VS Code would: initialize, setBreakpoints, launch, stopped at
 * the line, stackTrace, scopes, variables, next, stepBack, continue to the
 * end, terminated.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DebugClient } from '@vscode/debugadapter-testsupport'
import type { DebugProtocol } from '@vscode/debugprotocol'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readNamed } from '../../src/node/resources'

const ROOT = join(import.meta.dirname, '../..')
const v2 = readNamed('patched-v2', 'policy')
const lines = v2.text.split('\n')
const fnLine = lines.findIndex((l) => l.startsWith('int split_kernel_leaf_mapping(')) + 1
const alignLine = lines.findIndex((l, i) => i >= fnLine && /start != PAGE_ALIGN\(start\)/.test(l)) + 1
const lazyLine = lines.findIndex((l, i) => i >= fnLine && /mutex_lock\(&pgtable_split_lock\)/.test(l)) + 1

let dc: DebugClient

beforeEach(async () => {
  dc = new DebugClient(join(ROOT, 'node_modules/.bin/tsx'), join(ROOT, 'src/cli/dap.ts'), 'bootlab')
  dc.defaultTimeout = 60_000
  await dc.start()
})

afterEach(async () => {
  await dc.stop()
})

describe('bootlab dap', () => {
  it('stops at a breakpoint in the policy, shows the stack and variables, steps over and back, runs to the end', async () => {
    const initialized = dc.waitForEvent('initialized')
    const initialize = await dc.initializeRequest()
    expect(initialize.body?.supportsStepBack).toBe(true)
    const stopped = dc.waitForEvent('stopped')
    const launched = dc.launchRequest({ scenario: 'realm', policy: v2.file } as DebugProtocol.LaunchRequestArguments)
    await initialized
    const set = await dc.setBreakpointsRequest({ source: { path: v2.file }, breakpoints: [{ line: alignLine }] })
    expect(set.body.breakpoints).toHaveLength(1)
    await dc.configurationDoneRequest()
    await launched

    const stop = (await stopped) as DebugProtocol.StoppedEvent
    expect(stop.body.reason).toBe('breakpoint')
    const trace = await dc.stackTraceRequest({ threadId: stop.body.threadId! })
    const [top] = trace.body.stackFrames
    expect(top).toMatchObject({ name: 'split_kernel_leaf_mapping', line: alignLine, source: { path: v2.file } })
    const names = trace.body.stackFrames.map((f) => f.name)
    expect(names).toEqual(expect.arrayContaining(['update_range_prot', 'set_memory_decrypted', 'swiotlb_update_mem_attributes', 'mem_init', 'start_kernel']))
    // Native frames are named as the kernel names them and have no policy source.
    expect(trace.body.stackFrames.find((f) => f.name === 'update_range_prot')!.source?.path).toBeUndefined()

    const scopes = await dc.scopesRequest({ frameId: top.id })
    expect(scopes.body.scopes.map((s) => s.name)).toEqual(['Locals', 'Globals', 'Machine'])
    const locals = (await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference })).body.variables
    const start = locals.find((v) => v.name === 'start')!
    const end = locals.find((v) => v.name === 'end')!
    expect(start.type).toBe('unsigned long')
    expect(BigInt(end.value.split(' ')[0]) - BigInt(start.value.split(' ')[0])).toBe(64n * 2n ** 20n)
    const machine = (await dc.variablesRequest({ variablesReference: scopes.body.scopes[2].variablesReference })).body.variables
    expect(Object.fromEntries(machine.map((v) => [v.name, v.value]))).toMatchObject({ window: 'W1', allocator: 'buddy', 'CPUs online': '1 of 4', 'caps finalized': 'false' })
    const evaluated = await dc.evaluateRequest({ expression: 'end - start', frameId: top.id })
    expect(evaluated.body.result).toBe(`${64 * 2 ** 20} (0x4000000)`)

    // next: to the following line of the same function.
    const afterNext = dc.waitForEvent('stopped')
    await dc.nextRequest({ threadId: 1 })
    expect(((await afterNext) as DebugProtocol.StoppedEvent).body.reason).toBe('step')
    const nextTop = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]
    expect(nextTop).toMatchObject({ name: 'split_kernel_leaf_mapping', line: lazyLine })

    // stepBack: the breakpoint's line again, same locals.
    const afterBack = dc.waitForEvent('stopped')
    await dc.stepBackRequest({ threadId: 1 })
    await afterBack
    const backTop = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]
    expect(backTop).toMatchObject({ name: 'split_kernel_leaf_mapping', line: alignLine })
    const backScopes = await dc.scopesRequest({ frameId: backTop.id })
    expect((await dc.variablesRequest({ variablesReference: backScopes.body.scopes[0].variablesReference })).body.variables).toEqual(locals)

    // A function breakpoint stops at the first statement of the function, wherever the linked program defines it.
    const fb = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'mem_init' }] })
    expect(fb.body.breakpoints[0]).toMatchObject({ verified: true, line: lines.findIndex((l) => /page_alloc_available = true;/.test(l)) + 1 })
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] })

    // Continue through every remaining hit to the end of the boot.
    await dc.setBreakpointsRequest({ source: { path: v2.file }, breakpoints: [] })
    const terminated = dc.waitForEvent('terminated')
    await dc.continueRequest({ threadId: 1 })
    await terminated
  }, 120_000)

  it("breakpoints for another file of the same name (every lab's start.c) are not set in this one; function breakpoints sent before launch are kept", async () => {
    // Two labs of a course folder, each with its start.c: the boot runs lab a's.
    const course = mkdtempSync(join(tmpdir(), 'bootlab-dap-course-'))
    for (const lab of ['a', 'b']) mkdirSync(join(course, lab))
    writeFileSync(join(course, 'a', 'start.c'), v2.text)
    writeFileSync(join(course, 'b', 'start.c'), v2.text)
    const initialized = dc.waitForEvent('initialized')
    await dc.initializeRequest()
    const stopped = dc.waitForEvent('stopped')
    const launched = dc.launchRequest({ scenario: 'realm', policy: join(course, 'a', 'start.c') } as DebugProtocol.LaunchRequestArguments)
    await initialized
    // VS Code sends function breakpoints with the others, before configurationDone: they are kept for the launch.
    const functions = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'split_kernel_leaf_mapping' }] })
    expect(functions.body.breakpoints).toHaveLength(1)
    const other = await dc.setBreakpointsRequest({ source: { path: join(course, 'b', 'start.c') }, breakpoints: [{ line: alignLine }] })
    await dc.configurationDoneRequest()
    await launched
    expect(other.body.breakpoints[0].verified).toBe(false)
    const stop = (await stopped) as DebugProtocol.StoppedEvent
    expect(stop.body.reason).toBe('breakpoint')
    const [top] = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames
    expect(top).toMatchObject({ name: 'split_kernel_leaf_mapping', source: { path: join(course, 'a', 'start.c') } })
    // After launch, too: b's start.c gets no breakpoint in a's boot, and says why.
    const again = await dc.setBreakpointsRequest({ source: { path: join(course, 'b', 'start.c') }, breakpoints: [{ line: alignLine }] })
    expect(again.body.breakpoints[0]).toMatchObject({ verified: false, message: expect.stringContaining(join(course, 'a', 'start.c')) })
  }, 120_000)

  it('a launch of an unknown scenario is an error response naming it', async () => {
    await dc.initializeRequest()
    await expect(dc.launchRequest({ scenario: 'no-such-machine', policy: v2.file } as DebugProtocol.LaunchRequestArguments)).rejects.toThrow(/no scenario 'no-such-machine'/)
  })
})
