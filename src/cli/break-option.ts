/*
 * `bootlab boot --break start.c:42 [--break ...] --print 'start,end,num_online_cpus()'`:
 * the debugger without a debugger. The boot runs once under the debug engine
 * (src/core/debug) and, at each breakpoint hit, one line names the hit and
 * prints each --print expression (the innermost frame's locals without
 * --print), like gdb's `commands; silent; print ...; continue; end`.
 */
import { type KernelPolicy, formatScenarioErrors, type Scenario } from '../core'
import { DebugSession, type Stop } from '../core/debug'
import { loadCParser } from '../node/c-parser'
import { loadKernelPolicy } from '../node/kernel-policy'
import { readNamed } from '../node/resources'
import { readScenario } from '../node/scenario-cache'

export interface BreakOptions {
  breaks: string[]
  print?: string
}

/** `a,b,f(x, y)` → ['a', 'b', 'f(x, y)']: commas inside parentheses stay. */
export function splitPrintList(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      out.push(current)
      current = ''
    } else current += ch
  }
  out.push(current)
  return out.map((s) => s.trim()).filter((s) => s.length > 0)
}

/** `file.c:42` → { file, line }, or a message. */
export function parseBreakSpec(spec: string): { file: string; line: number } | string {
  const m = /^(.+):(\d+)$/.exec(spec.trim())
  if (!m || Number(m[2]) < 1) return `--break wants file.c:line, not '${spec}'`
  return { file: m[1], line: Number(m[2]) }
}

function hitLine(st: Stop, n: number): string {
  const s = st.state
  return `#${n} ${s.file}:${s.line} in ${s.fn}() [statement ${st.index}, ${s.machine.bootStep.fn}, ${s.machine.window}, ${s.machine.onlineCpus} CPU${s.machine.onlineCpus === 1 ? '' : 's'} online, ${s.machine.allocator}]`
}

/**
 * Run the boot under the debugger and print each hit. Returns an error message
 * (bad breakpoint or expression) or null.
 */
export async function printBreakpointHits(scenarioArg: string, policyArg: string, options: BreakOptions, out: (s: string) => void): Promise<string | null> {
  let scenarioText
  let policy: KernelPolicy
  try {
    scenarioText = readNamed(scenarioArg, 'scenario')
    policy = await loadKernelPolicy(readNamed(policyArg, 'policy'))
  } catch (e) {
    return (e as Error).message
  }
  if (!policy.program) return null
  const parsed = readScenario(scenarioText)
  if (!parsed.scenario) return formatScenarioErrors(parsed.errors)
  const scenario: Scenario = parsed.scenario
  const session = new DebugSession({ scenario, policy, parser: await loadCParser() })
  const byFile = new Map<string, { line: number }[]>()
  for (const spec of options.breaks) {
    const b = parseBreakSpec(spec)
    if (typeof b === 'string') return b
    byFile.set(b.file, [...(byFile.get(b.file) ?? []), { line: b.line }])
  }
  for (const [file, lines] of byFile) {
    for (const bp of session.setBreakpoints(file, lines)) {
      if (!bp.verified) return `--break ${file}:${bp.line}: ${bp.message} (files in this boot: ${session.files().join(', ')})`
    }
  }
  const prints = splitPrintList(options.print ?? '')
  for (const p of prints) {
    const parsedExpr = session.parse(p)
    if ('error' in parsedExpr) return `--print: ${parsedExpr.error}`
  }
  session.setWatches(prints)
  let n = 0
  for (let st = session.start(); st.reason !== 'end'; st = session.continue()) {
    out(hitLine(st, ++n))
    if (prints.length) for (const w of st.state.watches) out(`  ${w.expression} = ${w.value ? w.value.value : `<${w.error}>`}`)
    else for (const v of st.state.frames[0]?.locals ?? []) out(`  ${v.name} = ${v.value}`)
  }
  out(`${n} breakpoint hit${n === 1 ? '' : 's'}`)
  out('')
  return null
}
