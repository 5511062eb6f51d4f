/*
 * Runs the simulation core off the page's thread so typing never waits for a
 * boot. Loads tree-sitter once, compiles the base kernel once per base text,
 * then compiles and boots each request and posts the outcome back.
 */
import cGrammarUrl from 'tree-sitter-c/tree-sitter-c.wasm?url'
import { Language, Parser } from 'web-tree-sitter'
import treeSitterRuntimeUrl from 'web-tree-sitter/web-tree-sitter.wasm?url'
import { boot, compilePolicy, parseScenario } from '../../core'
import type { BootOutcome, BootRequest, BootResponse } from './boot-protocol'

type CompiledPolicy = ReturnType<typeof compilePolicy>

const parserReady = (async () => {
  // The glue would otherwise look for its wasm next to the bundled script, where Vite did not put it.
  await Parser.init({ locateFile: () => treeSitterRuntimeUrl })
  const parser = new Parser()
  parser.setLanguage(await Language.load(cGrammarUrl))
  return parser
})()

let compiledBase: { text: string; path: string; policy: CompiledPolicy } | null = null

function baseFor(parser: Parser, request: BootRequest): CompiledPolicy {
  const { base } = request
  if (compiledBase?.text !== base.text || compiledBase.path !== base.path) {
    compiledBase = { text: base.text, path: base.path, policy: compilePolicy(parser, base.text, base.path) }
  }
  return compiledBase.policy
}

function run(parser: Parser, request: BootRequest): BootOutcome {
  const { policy, scenario } = request
  const isBase = policy.path === request.base.path
  const compiled = isBase
    ? compilePolicy(parser, policy.text, policy.path)
    : compilePolicy(parser, policy.text, policy.path, { base: baseFor(parser, request).program })
  const parsed = parseScenario(scenario.text, scenario.path)
  if (!parsed.scenario) return { kind: 'scenario-invalid', diagnostics: compiled.diagnostics, problems: parsed.errors }
  return { kind: 'booted', diagnostics: compiled.diagnostics, result: boot(parsed.scenario, compiled) }
}

self.onmessage = async (event: MessageEvent<BootRequest>) => {
  const request = event.data
  let outcome: BootOutcome
  try {
    outcome = run(await parserReady, request)
  } catch (error) {
    outcome = { kind: 'crashed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }
  }
  const response: BootResponse = { ...outcome, id: request.id }
  self.postMessage(response)
}
