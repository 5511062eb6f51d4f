/*
 * The debug worker: one DebugSession (src/core/debug) per debug boot, off the
 * page's thread. Loads tree-sitter like the boot worker, links the policy over
 * its kernel state, records the boot and answers each move with the stop.
 */
import cGrammarUrl from 'tree-sitter-c/tree-sitter-c.wasm?url'
import { Language, Parser } from 'web-tree-sitter'
import treeSitterRuntimeUrl from 'web-tree-sitter/web-tree-sitter.wasm?url'
import { compileBase, parseScenario, preparePolicy, type PolicySource } from '../../core'
import { DebugSession, type Stop } from '../../core/debug'
import type { TextFile } from '../../shared/bootlab-api'
import type { DebugAnswer, DebugRequest } from './debug-protocol'

const parserReady = (async () => {
  await Parser.init({ locateFile: () => treeSitterRuntimeUrl })
  const parser = new Parser()
  parser.setLanguage(await Language.load(cGrammarUrl))
  return parser
})()

const policySource = ({ path, text }: TextFile): PolicySource => ({ name: path.replace(/\.c$/, ''), file: path, text })

let session: DebugSession | null = null

function answer(stop: Stop): DebugAnswer {
  const rec = session!.recording()
  const r = rec.result
  return { kind: 'stopped', stop, total: rec.total, breakpoints: session!.breakpointList, logs: rec.logs, verdict: `${r.verdict.status}: ${r.verdict.headline}` }
}

function handle(parser: Parser, request: DebugRequest): DebugAnswer {
  if (request.kind === 'start') {
    const base = compileBase(parser, policySource(request.base))
    const lookup = (name: string) => {
      const found = request.kernelStates.find((p) => p.path === `${name}.c`)
      return found && policySource(found)
    }
    const policy = preparePolicy(parser, policySource(request.policy), base, lookup)
    const errors = policy.diagnostics.filter((d) => d.severity === 'error')
    if (!policy.program) return { kind: 'failed', message: errors.map((d) => `${d.file}:${d.line}: ${d.message}`).join('\n') || 'the policy does not compile' }
    const parsed = parseScenario(request.scenario.text, request.scenario.path)
    if (!parsed.scenario) return { kind: 'failed', message: `the scenario ${request.scenario.path} is not valid` }
    session = new DebugSession({ scenario: parsed.scenario, policy, parser })
    const byFile = new Map<string, SourceBreakpointList>()
    for (const bp of request.breakpoints) byFile.set(bp.file, [...(byFile.get(bp.file) ?? []), bp])
    for (const [file, bps] of byFile) session.setBreakpoints(file, bps)
    session.setWatches(request.watches)
    return answer(session.start())
  }
  if (!session) return { kind: 'failed', message: 'no debug boot is running' }
  if (request.kind === 'watches') {
    session.setWatches(request.watches)
    return answer(session.goto(session.position))
  }
  const s = session
  const moves = {
    continue: () => s.continue(),
    stepOver: () => s.stepOver(),
    stepIn: () => s.stepIn(),
    stepOut: () => s.stepOut(),
    stepBack: () => s.stepBack(),
    reverseContinue: () => s.reverseContinue(),
    goto: () => s.goto(request.index ?? s.position),
  }
  return answer(moves[request.move]())
}

type SourceBreakpointList = Extract<DebugRequest, { kind: 'start' }>['breakpoints']

self.onmessage = async (event: MessageEvent<DebugRequest & { id: number }>) => {
  let result: DebugAnswer
  try {
    result = handle(await parserReady, event.data)
  } catch (error) {
    result = { kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }
  }
  self.postMessage({ ...result, id: event.data.id })
  // While the page shows the stop, read the states the next moves land on (one replay), so they answer at once.
  if (result.kind === 'stopped') session?.prefetch()
}
