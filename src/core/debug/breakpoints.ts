/*
 * Where a policy boot can stop: the statement lines of every policy function
 * on the chain (the learner's file and the kernel states beneath it), and the
 * breakpoints set on them. As gdb does, a breakpoint on a line without a
 * statement moves to the next line that has one in the same function; a
 * function breakpoint stops at its function's first statement wherever the
 * linked program defines it. Conditions and logpoint expressions are parsed
 * when set, so a typo is reported at once (the breakpoint stays unverified).
 */
import type { KernelPolicy } from '../boot/boot'
import type { FunctionDef, StatementSite, Stmt } from '../policy'
import type { parseExpression } from './expression'

export interface SourceBreakpoint {
  /** The policy file (its base name is enough: `patched-v2.c`). */
  file: string
  line: number
  /** Stop only when this C expression is true (non-zero). */
  condition?: string
  /** A logpoint: print this message instead of stopping; `{expr}` is replaced by its value, `{expr:x}` in hex. */
  logMessage?: string
}

export interface Breakpoint extends SourceBreakpoint {
  id: number
  /** A function breakpoint: set by name, at the function's first statement. */
  function?: string
  /** False when no statement is on or after `line` in a function of `file`, or the condition does not compile. */
  verified: boolean
  /** The statement line it stops at (the first statement on or after `line`). */
  actualLine: number
  message?: string
}

type Parse = (text: string) => ReturnType<typeof parseExpression>

const HOOKED = new Set<Stmt['k']>(['expr', 'decl', 'if', 'while', 'do', 'for', 'return', 'break', 'continue', 'goto', 'switch'])

/** Lines of statements that can be stopped at, per file, with their function. */
function statementLines(policy: KernelPolicy): Map<string, Map<number, FunctionDef>> {
  const out = new Map<string, Map<number, FunctionDef>>()
  const visit = (s: Stmt | undefined, fn: FunctionDef, lines: Map<number, FunctionDef>): void => {
    if (!s) return
    if (HOOKED.has(s.k) && !lines.has(s.span.line)) lines.set(s.span.line, fn)
    switch (s.k) {
      case 'block':
      case 'switch':
        s.body.forEach((c) => visit(c, fn, lines))
        break
      case 'if':
        visit(s.then, fn, lines)
        visit(s.else, fn, lines)
        break
      case 'while':
      case 'do':
        visit(s.body, fn, lines)
        break
      case 'for':
        visit(s.init, fn, lines)
        visit(s.body, fn, lines)
        break
    }
  }
  for (const fn of policy.program?.functions ?? []) {
    let lines = out.get(fn.file)
    if (!lines) out.set(fn.file, (lines = new Map()))
    visit(fn.body, fn, lines)
  }
  return out
}

const baseName = (file: string) => file.replace(/^.*[\\/]/, '')

/** The breakpoints of one debug session, indexed by statement line for the statement hook. */
export class BreakpointTable {
  private readonly lines: Map<string, Map<number, FunctionDef>>
  private readonly breakpoints = new Map<number, Breakpoint>()
  private byLine = new Map<string, Breakpoint[]>()
  private bySite = new WeakMap<StatementSite, Breakpoint[] | null>()
  private nextId = 1

  constructor(
    private readonly policy: KernelPolicy,
    private readonly parse: Parse,
  ) {
    this.lines = statementLines(policy)
  }

  /** The files that have statements (the base kernel's and every kernel state's on the chain). */
  files(): string[] {
    return [...this.lines.keys()]
  }

  private fileKey(file: string): string | undefined {
    if (this.lines.has(file)) return file
    const base = baseName(file)
    return [...this.lines.keys()].find((f) => baseName(f) === base)
  }

  /** Replace the breakpoints of one file. */
  setSource(file: string, specs: Omit<SourceBreakpoint, 'file'>[]): Breakpoint[] {
    const key = this.fileKey(file)
    for (const [id, bp] of this.breakpoints) if (bp.file === (key ?? file) && !bp.function) this.breakpoints.delete(id)
    const out = specs.map((spec) => this.verify({ ...spec, file: key ?? file }, key))
    for (const bp of out) this.breakpoints.set(bp.id, bp)
    this.index()
    return out
  }

  /** Replace the function breakpoints. */
  setFunctions(specs: (Omit<SourceBreakpoint, 'file' | 'line'> & { function: string })[]): Breakpoint[] {
    for (const [id, bp] of this.breakpoints) if (bp.function) this.breakpoints.delete(id)
    const out = specs.map((spec): Breakpoint => {
      const def = this.policy.program?.functions.find((f) => f.name === spec.function)
      const first = def && Math.min(...[...(this.lines.get(def.file) ?? [])].filter(([, fn]) => fn === def).map(([line]) => line))
      if (!def || first === undefined || !Number.isFinite(first)) return { ...spec, file: '', line: 0, id: this.nextId++, verified: false, actualLine: 0, message: `no policy function '${spec.function}' with statements in this boot` }
      return { ...this.verify({ ...spec, file: def.file, line: first }, def.file), function: spec.function }
    })
    for (const bp of out) this.breakpoints.set(bp.id, bp)
    this.index()
    return out
  }

  private index(): void {
    this.byLine = new Map()
    this.bySite = new WeakMap()
    for (const bp of this.breakpoints.values()) {
      if (!bp.verified) continue
      const k = `${bp.file}:${bp.actualLine}`
      this.byLine.set(k, [...(this.byLine.get(k) ?? []), bp])
    }
  }

  private verify(spec: SourceBreakpoint, key: string | undefined): Breakpoint {
    const bp: Breakpoint = { ...spec, id: this.nextId++, verified: false, actualLine: spec.line }
    const lines = key ? this.lines.get(key)! : undefined
    if (!lines) return { ...bp, message: `no policy file '${spec.file}' in this boot` }
    const candidates = [...lines.keys()].filter((l) => l >= spec.line).sort((a, b) => a - b)
    const line = candidates[0]
    const fn = line === undefined ? undefined : lines.get(line)
    if (line === undefined || !fn || spec.line < fn.span.line) return { ...bp, message: `no statement on or after line ${spec.line} in a function of ${spec.file}` }
    for (const text of [spec.condition, ...[...(spec.logMessage ?? '').matchAll(/\{([^{}]+?)(?::x)?\}/g)].map((m) => m[1])]) {
      if (!text) continue
      const p = this.parse(text)
      if ('error' in p) return { ...bp, actualLine: line, message: p.error }
    }
    return { ...bp, verified: true, actualLine: line }
  }

  /** The breakpoints on a statement's line (looked up once per statement site). */
  at(site: StatementSite): Breakpoint[] | undefined {
    let bps = this.bySite.get(site)
    if (bps === undefined) this.bySite.set(site, (bps = this.byLine.get(`${site.file}:${site.line}`) ?? null))
    return bps ?? undefined
  }

  list(): Breakpoint[] {
    return [...this.breakpoints.values()]
  }
}
