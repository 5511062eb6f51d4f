/*
 * Runs the simulation core off the page's thread so typing never waits for a
 * boot. Loads tree-sitter once, compiles the base kernel once per base text,
 * then links each request's policy over it and boots it on one machine, grades
 * it against every machine of a lab, or boots two sides and compares them, and
 * posts the outcome back. Once the learner edits, it repeats the last request's
 * work while idle to warm V8's optimising compiler (warm-up.ts).
 */
import cGrammarUrl from 'tree-sitter-c/tree-sitter-c.wasm?url'
import { Language, Parser } from 'web-tree-sitter'
import treeSitterRuntimeUrl from 'web-tree-sitter/web-tree-sitter.wasm?url'
import { boot, compileBase, type CompiledPolicy, type KernelPolicy, parseScenario, type PolicyLookup, preparePolicy, type PolicySource } from '../../core'
import { compileCompareWith, gradePolicy, type Lab, type LabCompiler } from '../../labs'
import { compareBoots } from '../../report/report'
import type { TextFile } from '../../shared/bootlab-api'
import type { BootInput, BootOutcome, CompareInput, CompareOutcome, GradeInput, GradeOutcome, WorkerOutcome, WorkerRequest, WorkerResponse } from './boot-protocol'
import { isEdit, WarmUp } from './warm-up'

const parserReady = (async () => {
  // The glue would otherwise look for its wasm next to the bundled script, where Vite did not put it.
  await Parser.init({ locateFile: () => treeSitterRuntimeUrl })
  const parser = new Parser()
  parser.setLanguage(await Language.load(cGrammarUrl))
  return parser
})()

/** `patched-v1.c` → name `patched-v1`, as the command line names bundled policies. */
const policySource = ({ path, text }: TextFile): PolicySource => ({ name: path.replace(/\.c$/, ''), file: path, text })

let compiledBase: CompiledPolicy | null = null

function baseFor(parser: Parser, base: TextFile): CompiledPolicy {
  if (compiledBase?.file !== base.path || compiledBase.source !== base.text) compiledBase = compileBase(parser, policySource(base))
  return compiledBase
}

/** The last scenario parsed, by path and text: typing in the policy re-boots the same machine. */
let lastScenario: { path: string; text: string; parsed: ReturnType<typeof parseScenario> } | null = null

function scenarioOf(file: TextFile): ReturnType<typeof parseScenario> {
  if (lastScenario?.path !== file.path || lastScenario.text !== file.text) lastScenario = { ...file, parsed: parseScenario(file.text, file.path) }
  return lastScenario.parsed
}

function run(parser: Parser, request: BootInput): BootOutcome {
  const kernelState: PolicyLookup = (name) => {
    const found = request.kernelStates.find((p) => p.path === `${name}.c`)
    return found && policySource(found)
  }
  // Only the learner's file compiles per keystroke: the base is compiled once, the states it builds on are cached by text (preparePolicy).
  const policy = preparePolicy(parser, policySource(request.policy), baseFor(parser, request.base), kernelState)
  const parsed = scenarioOf(request.scenario)
  if (!parsed.scenario) return { kind: 'scenario-invalid', diagnostics: policy.diagnostics, problems: parsed.errors }
  return { kind: 'booted', diagnostics: policy.diagnostics, result: boot(parsed.scenario, policy) }
}

/** A lab's compareWith state is the same on every keystroke: compiled once per text and base. */
let lastCompareWith: { lab: string; source: PolicySource | undefined; base: CompiledPolicy; policy: KernelPolicy | undefined } | null = null

function compareWithPolicy(lab: Lab, base: CompiledPolicy, compiler: LabCompiler): KernelPolicy | undefined {
  const last = lastCompareWith
  const source = lab.compareWith
  if (last?.lab !== lab.id || last.base !== base || last.source?.file !== source?.file || last.source?.text !== source?.text) lastCompareWith = { lab: lab.id, source, base, policy: compileCompareWith(lab, compiler) }
  return lastCompareWith!.policy
}

/** Grades the policy by the sequence every host shares (src/labs/grade-policy.ts), compiling over the base compiled once. */
function grade(parser: Parser, request: GradeInput): GradeOutcome {
  const base = baseFor(parser, request.base)
  const compiler: LabCompiler = { parser, compile: (source, lookup) => preparePolicy(parser, source, base, lookup) }
  const { grade, compiles, problem } = gradePolicy(request.lab, policySource(request.policy), compiler, compareWithPolicy(request.lab, base, compiler))
  return { kind: 'graded', grade, compiles, problem: problem && `${problem.file}:${problem.line}:${problem.column}: ${problem.message}` }
}

function compare(parser: Parser, request: CompareInput): CompareOutcome {
  const left = run(parser, request.left)
  const right = run(parser, request.right)
  const summary = left.kind === 'booted' && right.kind === 'booted' ? compareBoots(left.result, right.result) : null
  return { kind: 'compared', left, right, summary }
}

function answer(parser: Parser, request: WorkerRequest): WorkerOutcome {
  return 'lab' in request ? grade(parser, request) : 'left' in request ? compare(parser, request) : run(parser, request)
}

const warmUp = new WarmUp()
/** The policy of the last boot or grade asked for: the next one for the same file with other text is an edit. */
let lastPolicy: TextFile | undefined

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data
  warmUp.stop()
  const edit = 'policy' in request && isEdit(lastPolicy, request.policy)
  if ('policy' in request) lastPolicy = request.policy
  let outcome: WorkerOutcome
  try {
    const parser = await parserReady
    const start = performance.now()
    outcome = answer(parser, request)
    if (edit && outcome.kind !== 'crashed') warmUp.after(() => answer(parser, request), performance.now() - start)
  } catch (error) {
    outcome = { kind: 'crashed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }
  }
  const response: WorkerResponse = { ...outcome, id: request.id }
  self.postMessage(response)
}
