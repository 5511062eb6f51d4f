/*
 * Syntax tree → AST, for the C subset a policy may use.
 *
 * Everything outside the subset (structs by value, arrays, floating point,
 * function pointers, inline asm, statement expressions, the preprocessor beyond
 * `#include` and constant `#define`s) becomes an `unsupported` diagnostic at
 * its position, never an exception. The lexical facts that do not depend on
 * linking are settled here: locals and parameters get frame slots, a
 * block-scope `extern` makes its name refer to the global, labels and `goto`s
 * are matched, `break`/`continue`/`return` are checked against their context.
 *
 * tree-sitter-c does not know typedef names, so `(u64)-1` comes out as the
 * subtraction `(u64) - 1` and `(phys_addr_t)(x)` as a call. A parenthesized
 * kernel typedef name is therefore read as a cast: the operator chain around
 * it is re-parsed with C precedence (see `lowerChain`).
 */
import { type AssignOp, type BinaryOp, type DefineDef, type Expr, type ExternDecl, type FunctionDef, type GlobalDef, INITCALL_LEVELS, type InitcallLevel, type LValue, type Local, type Program, type Span, type Stmt, type VarDecl } from './ast'
import { type CType, T_INT, T_VOID, isTypedefName, namedType, parseIntLiteral, pointerTo, sizedTypeName } from './ctype'
import type { AnnotationMark, SyntaxResult } from './syntax'
import type { SyntaxNode } from './tree'
import type { Diagnostic } from './value'

export interface Lowered {
  program: Program
  diagnostics: Diagnostic[]
  /** Names declared by top-level items that had syntax errors: known, but not checked or run. */
  brokenNames: Set<string>
}

const field = (n: SyntaxNode, name: string) => n.children.find((c) => c.field === name)
const named = (n: SyntaxNode) => n.children.filter((c) => c.named)
const leaves = (n: SyntaxNode): string[] => (n.children.length === 0 ? [n.text] : n.children.flatMap(leaves))
const spanOf = (a: SyntaxNode, b: SyntaxNode = a): Span => ({ line: a.span.line, column: a.span.column, endLine: b.span.endLine, endColumn: b.span.endColumn })
const join = (a: Span, b: Span): Span => ({ line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn })

/** Messages for expression and statement node types outside the subset. */
const UNSUPPORTED: Record<string, string> = {
  subscript_expression: 'arrays are not supported',
  gnu_asm_expression: 'inline assembly is not supported',
  compound_literal_expression: 'compound literals are not supported',
  initializer_list: 'brace initializers are not supported',
  offsetof_expression: 'offsetof is not supported',
  alignof_expression: 'alignof is not supported',
  generic_expression: '_Generic is not supported',
  extension_expression: '__extension__ is not supported',
  compound_statement: 'statement expressions are not supported',
  attributed_statement: 'attributes are not supported',
  type_definition: 'typedef is not supported',
  function_definition: 'nested functions are not supported',
  preproc_def: '#define inside a function is not supported',
  preproc_function_def: 'function-like macros are not supported',
  preproc_include: '#include inside a function is not supported',
  preproc_if: 'conditional compilation (#if) is not supported',
  preproc_ifdef: 'conditional compilation (#ifdef) is not supported',
  preproc_call: 'this preprocessor directive is not supported',
  linkage_specification: 'extern "C" blocks are not supported',
  struct_specifier: 'struct definitions are not supported',
  union_specifier: 'unions are not supported',
}

/** C precedence of the binary operators (higher binds tighter). */
const PREC: Record<string, number> = {
  '*': 10, '/': 10, '%': 10, '+': 9, '-': 9, '<<': 8, '>>': 8, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '==': 6, '!=': 6, '&': 5, '^': 4, '|': 3, '&&': 2, '||': 1,
}

/** A piece of an operator chain being re-parsed around a `(typedef)` cast. */
type ChainTok =
  | { k: 'atom'; node: SyntaxNode }
  | { k: 'op'; op: string; node: SyntaxNode }
  | { k: 'pre'; op: string; node: SyntaxNode }
  | { k: 'cast'; ty: CType | undefined; node: SyntaxNode }

type Scope = Map<string, number>
/** Scope entry of a block-scope `extern`: the name means the global. */
const EXTERN = -1

/** What a type specifier names: a type, or a struct only usable behind a pointer. */
type BaseType = CType | { struct: string }

interface FnState {
  ret: CType
  locals: Local[]
  scopes: Scope[]
  /** Enclosing breakable statements, innermost last. */
  breakables: ('loop' | 'switch')[]
  blocks: number[]
  nextBlock: number
  labels: Map<string, { span: Span; block: number }>
  gotos: { label: string; span: Span; blocks: number[] }[]
}

/** A top-level item's extent, for attaching annotation macros to it. */
interface Item {
  start: number
  end: number
  bodyStart: number
  annotations: string[] | null
}

class Lowerer {
  readonly diagnostics: Diagnostic[] = []
  readonly program: Program = { functions: [], globals: [], defines: [], externs: [] }
  readonly brokenNames = new Set<string>()
  private readonly items: Item[] = []
  private fn: FnState | null = null

  constructor(private readonly file: string) {}

  report(code: Diagnostic['code'], span: Span, message: string): void {
    this.diagnostics.push({ severity: 'error', code, message, file: this.file, line: span.line, column: span.column, endLine: span.endLine, endColumn: span.endColumn })
  }

  /** Report a construct outside the subset, unless a syntax error there was already reported. */
  unsupported(n: SyntaxNode, message = UNSUPPORTED[n.type] ?? `'${n.type.replace(/_/g, ' ')}' is not supported`): Expr {
    if (!n.hasError) this.report('unsupported', n.span, message)
    return { k: 'bad', span: n.span }
  }

  // ---- top level -------------------------------------------------------------------------

  translationUnit(root: SyntaxNode, marks: AnnotationMark[]): void {
    for (const n of root.children) this.topLevel(n)
    this.attachAnnotations(marks)
  }

  private topLevel(n: SyntaxNode): void {
    const item: Item = { start: n.start, end: n.end, bodyStart: n.end, annotations: null }
    this.items.push(item)
    switch (n.type) {
      case 'function_definition':
        return this.functionDefinition(n, item)
      case 'declaration':
        return this.globalDeclaration(n, item)
      case 'preproc_def':
        return this.define(n)
      case 'enum_specifier':
        return this.enumConstants(n)
      case 'struct_specifier':
      case 'union_specifier':
        if (field(n, 'body') || n.type === 'union_specifier') this.unsupported(n)
        return
      case 'preproc_include':
      case ';':
      case 'ERROR':
        return
      default:
        if (n.type in UNSUPPORTED) this.unsupported(n)
        else if (this.initcall(n)) return
        else if (!n.hasError) this.report('syntax', n.span, 'syntax error: statements must be inside a function')
    }
  }

  /** `device_initcall(fn);` and the other levels' macros (include/linux/init.h): a registration, not a statement. */
  private initcall(n: SyntaxNode): boolean {
    if (n.type !== 'expression_statement' || n.hasError) return false
    const call = n.children.find((c) => c.type === 'call_expression')
    const callee = call && field(call, 'function')
    const m = callee?.type === 'identifier' ? /^([a-z]+)_initcall$/.exec(callee.text) : null
    if (!call || !m || !(INITCALL_LEVELS as readonly string[]).includes(m[1])) return false
    const args = (field(call, 'arguments')?.children ?? []).filter((c) => c.named)
    if (args.length !== 1 || args[0].type !== 'identifier') {
      this.report('syntax', call.span, `${callee!.text}() takes the name of an int __init function`)
      return true
    }
    ;(this.program.initcalls ??= []).push({ level: m[1] as InitcallLevel, fn: args[0].text, file: this.file, span: call.span })
    return true
  }

  private attachAnnotations(marks: AnnotationMark[]): void {
    for (const m of marks) {
      const item = this.items.find((it) => it.start <= m.offset && m.offset < it.end) ?? this.items.find((it) => it.start > m.offset)
      if (!item) this.report('unsupported', m.span, `${m.name} is not attached to a declaration`)
      else if (m.offset >= item.bodyStart) this.report('unsupported', m.span, `${m.name} inside a function body is not supported`)
      else if (item.annotations && !item.annotations.includes(m.name)) item.annotations.push(m.name)
    }
    for (const f of this.program.functions) f.annotations.sort()
    for (const g of this.program.globals) g.annotations.sort()
  }

  private define(n: SyntaxNode): void {
    const name = field(n, 'name')
    const value = field(n, 'value')
    if (!name) return
    if (!value) {
      this.report('unsupported', n.span, `#define ${name.text} without a value is not supported`)
      return
    }
    if (value.hasError) {
      this.brokenNames.add(name.text)
      return
    }
    this.program.defines.push({ name: name.text, file: this.file, span: spanOf(name), value: this.expr(value) })
  }

  /** `enum { A, B = 3 };`: each enumerator is an int constant, one more than the last by default. */
  private enumConstants(n: SyntaxNode): void {
    const body = field(n, 'body')
    if (!body) return
    let prev: DefineDef | undefined
    for (const e of named(body)) {
      const name = field(e, 'name')
      if (e.type !== 'enumerator' || !name) continue
      const span = spanOf(name)
      const v = field(e, 'value')
      const value: Expr = v
        ? this.expr(v)
        : prev
          ? { k: 'binary', span, op: '+', left: { k: 'name', span, name: prev.name, slot: -1 }, right: { k: 'num', span, value: 1n, ty: T_INT } }
          : { k: 'num', span, value: 0n, ty: T_INT }
      prev = { name: name.text, file: this.file, span, value: { k: 'cast', span, ty: T_INT, arg: value } }
      this.program.defines.push(prev)
    }
  }

  private functionDefinition(n: SyntaxNode, item: Item): void {
    const spec = this.specifiers(n)
    const body = field(n, 'body')
    let declarator = field(n, 'declarator')
    let ret = spec.base
    while (declarator?.type === 'pointer_declarator') {
      ret = ret && this.pointer(ret)
      declarator = field(declarator, 'declarator')
    }
    const nameNode = declarator && field(declarator, 'declarator')
    if (!declarator || declarator.type !== 'function_declarator' || !nameNode || nameNode.type !== 'identifier' || !body) {
      this.unsupported(declarator ?? n, 'this function declarator is not supported')
      return
    }
    const name = nameNode.text
    item.bodyStart = body.start
    if (n.children.some((c) => c.type === 'declaration')) {
      this.unsupported(n, 'old-style (K&R) parameter declarations are not supported')
      return
    }
    const retType = ret && this.valueType(ret, field(n, 'type') ?? n, true)
    const fn: FnState = { ret: retType ?? T_INT, locals: [], scopes: [new Map()], breakables: [], blocks: [0], nextBlock: 1, labels: new Map(), gotos: [] }
    this.fn = fn
    const reported = this.diagnostics.length
    const params = this.parameters(field(declarator, 'parameters'))
    const stmts = this.blockBody(body)
    this.checkGotos(fn)
    this.fn = null
    const annotations = [...spec.storage]
    item.annotations = annotations
    // Inside a function with a syntax error, other complaints are noise until it parses.
    if (n.hasError) this.diagnostics.length = reported
    if (n.hasError || !retType || params === undefined) {
      this.brokenNames.add(name)
      return
    }
    this.program.functions.push({
      name,
      file: this.file,
      span: n.span,
      nameSpan: nameNode.span,
      ret: retType,
      params,
      locals: fn.locals,
      body: { k: 'block', span: body.span, body: stmts },
      annotations,
    } satisfies FunctionDef)
  }

  /** Declare the parameters in the function's outermost scope; undefined when one is unsupported. */
  private parameters(list: SyntaxNode | undefined): number | undefined {
    if (!list) return undefined
    const ps = named(list)
    let ok = true
    for (const p of ps) {
      if (p.type === 'variadic_parameter') {
        this.unsupported(p, 'variadic functions are not supported')
        ok = false
        continue
      }
      if (p.type !== 'parameter_declaration') {
        this.unsupported(p, 'this parameter is not supported')
        ok = false
        continue
      }
      const spec = this.specifiers(p)
      const d = field(p, 'declarator')
      if (!d) {
        if (ps.length === 1 && spec.base && 't' in spec.base && spec.base.t === 'void') return 0
        this.report('invalid', p.span, 'parameter name omitted')
        ok = false
        continue
      }
      const decl = spec.base && this.declarator(d, spec.base)
      const ty = decl?.kind === 'var' ? this.valueType(decl.ty, p) : undefined
      if (decl?.kind !== 'var' || !ty) {
        if (decl?.kind === 'fn') this.unsupported(d, 'function pointers are not supported')
        ok = false
        continue
      }
      this.declareLocal(decl.name, decl.nameNode.span, ty, spec.isConst)
    }
    return ok ? this.fn!.locals.length : undefined
  }

  private globalDeclaration(n: SyntaxNode, item: Item): void {
    const spec = this.specifiers(n)
    const annotations = [...spec.storage, ...(spec.isConst ? ['const'] : [])]
    item.annotations = annotations
    const typeNode = field(n, 'type')
    if (typeNode?.type === 'enum_specifier') this.enumConstants(typeNode)
    for (const d of n.children.filter((c) => c.field === 'declarator')) {
      const decl = spec.base && this.declarator(d, spec.base)
      if (!decl || decl.kind === 'fn') continue
      if (n.hasError) {
        this.brokenNames.add(decl.name)
        continue
      }
      if (spec.storage.includes('extern') && !decl.init) {
        this.program.externs.push({ name: decl.name, file: this.file, span: spanOf(decl.nameNode) } satisfies ExternDecl)
        continue
      }
      const ty = this.valueType(decl.ty, d)
      if (!ty) {
        this.brokenNames.add(decl.name)
        continue
      }
      this.program.globals.push({
        name: decl.name,
        file: this.file,
        span: spanOf(d),
        nameSpan: decl.nameNode.span,
        ty,
        isConst: spec.isConst,
        init: decl.init && this.expr(decl.init),
        annotations,
      } satisfies GlobalDef)
    }
  }

  // ---- types and declarators ---------------------------------------------------------------

  /** Storage class, qualifiers and base type of a declaration. */
  private specifiers(n: SyntaxNode): { base: BaseType | undefined; isConst: boolean; storage: string[] } {
    const storage: string[] = []
    let isConst = false
    for (const c of n.children) {
      if (c.type === 'storage_class_specifier') storage.push(leaves(c).join(' '))
      else if (c.type === 'type_qualifier' && leaves(c).includes('const')) isConst = true
    }
    const t = field(n, 'type')
    return { base: t ? this.baseType(t) : undefined, isConst, storage }
  }

  private baseType(t: SyntaxNode): BaseType | undefined {
    switch (t.type) {
      case 'primitive_type':
      case 'type_identifier': {
        const ty = namedType(t.text)
        if (ty) return ty
        if (t.text === 'float' || t.text === 'double') this.unsupported(t, 'floating point is not supported')
        else this.unsupported(t, `unknown type '${t.text}'`)
        return undefined
      }
      case 'sized_type_specifier': {
        const name = sizedTypeName(leaves(t))
        if (name) return namedType(name)
        this.unsupported(t, `type '${leaves(t).join(' ')}' is not supported`)
        return undefined
      }
      case 'struct_specifier': {
        const name = field(t, 'name')
        if (field(t, 'body') || !name) return void this.unsupported(t)
        return { struct: `struct ${name.text}` }
      }
      case 'enum_specifier':
        if (field(t, 'body') && this.fn) return void this.unsupported(t, 'enum definitions inside a function are not supported')
        return T_INT
      default:
        this.unsupported(t, `type '${leaves(t).join(' ')}' is not supported`)
        return undefined
    }
  }

  private pointer(base: BaseType): CType {
    return 'struct' in base ? pointerTo({ name: base.struct, size: 0 }) : pointerTo(base)
  }

  /** A declared variable's type: no struct values, no void variables. */
  private valueType(base: BaseType, at: SyntaxNode, isReturn = false): CType | undefined {
    if ('struct' in base) return void this.unsupported(at, `${base.struct} values are not supported (use a pointer)`)
    if (base.t === 'void' && !isReturn) {
      this.report('invalid', at.span, 'variable or parameter declared void')
      return undefined
    }
    return base
  }

  /** Unwrap a declarator: a variable (with its initializer) or a function prototype. */
  private declarator(
    d: SyntaxNode,
    base: BaseType,
  ): { kind: 'var'; name: string; nameNode: SyntaxNode; ty: BaseType; init?: SyntaxNode } | { kind: 'fn' } | undefined {
    let ty = base
    let init: SyntaxNode | undefined
    let cur: SyntaxNode | undefined = d
    if (cur.type === 'init_declarator') {
      init = field(cur, 'value')
      cur = field(cur, 'declarator')
    }
    while (cur?.type === 'pointer_declarator') {
      ty = this.pointer(ty)
      cur = field(cur, 'declarator')
    }
    if (!cur) return undefined
    if (cur.type === 'function_declarator') {
      if (init) this.unsupported(d, 'function pointers are not supported')
      return init ? undefined : { kind: 'fn' }
    }
    if (cur.type === 'array_declarator') return void this.unsupported(cur, 'arrays are not supported')
    if (cur.type !== 'identifier') return void this.unsupported(cur, 'this declarator is not supported (function pointers?)')
    if (init?.type === 'initializer_list') return void this.unsupported(init)
    return { kind: 'var', name: cur.text, nameNode: cur, ty, init }
  }

  private typeDescriptor(n: SyntaxNode): CType | undefined {
    const spec = this.specifiers(n)
    let ty = spec.base
    let d = field(n, 'declarator')
    while (ty && d?.type === 'abstract_pointer_declarator') {
      ty = this.pointer(ty)
      d = field(d, 'declarator')
    }
    if (d) return void this.unsupported(d, 'this type is not supported')
    return ty && this.valueType(ty, n, true)
  }

  // ---- statements ------------------------------------------------------------------------

  private declareLocal(name: string, span: Span, ty: CType, isConst: boolean): number {
    const fn = this.fn!
    const scope = fn.scopes[fn.scopes.length - 1]
    if (scope.has(name)) this.report('redefinition', span, `redefinition of '${name}'`)
    const slot = fn.locals.length
    fn.locals.push({ name, ty, isConst })
    scope.set(name, slot)
    return slot
  }

  private lookup(name: string): number {
    const scopes = this.fn?.scopes ?? []
    for (let i = scopes.length - 1; i >= 0; i--) {
      const s = scopes[i].get(name)
      if (s !== undefined) return s
    }
    return -1
  }

  /** Statements of a compound statement, in the current scope. */
  private blockBody(n: SyntaxNode): Stmt[] {
    return n.children.filter((c) => c.named).flatMap((c) => this.stmt(c))
  }

  private scoped<T>(f: () => T): T {
    const fn = this.fn!
    fn.scopes.push(new Map())
    fn.blocks.push(fn.nextBlock++)
    try {
      return f()
    } finally {
      fn.scopes.pop()
      fn.blocks.pop()
    }
  }

  /** A statement where C wants exactly one (if branch, loop body). */
  private single(n: SyntaxNode): Stmt {
    const list = this.scoped(() => this.stmt(n))
    return list.length === 1 ? list[0] : { k: 'block', span: n.span, body: list }
  }

  private inLoop(f: () => Stmt): Stmt {
    this.fn!.breakables.push('loop')
    try {
      return f()
    } finally {
      this.fn!.breakables.pop()
    }
  }

  private condition(n: SyntaxNode | undefined, at: SyntaxNode): Expr {
    if (!n) return { k: 'bad', span: at.span }
    const inner = n.type === 'parenthesized_expression' ? named(n) : [n]
    return inner.length === 1 ? this.expr(inner[0]) : this.unsupported(n)
  }

  /** One C statement → AST statements (a label or case adds a marker before its statement). */
  private stmt(n: SyntaxNode): Stmt[] {
    const span = n.span
    const fn = this.fn!
    switch (n.type) {
      case 'compound_statement':
        return [{ k: 'block', span, body: this.scoped(() => this.blockBody(n)) }]
      case 'declaration':
        return this.localDeclaration(n)
      case 'expression_statement': {
        const e = named(n)
        return [e.length === 0 ? { k: 'empty', span } : { k: 'expr', span, expr: this.expr(e[0]) }]
      }
      case 'if_statement': {
        const alt = field(n, 'alternative')
        const elseStmt = alt && named(alt)[0]
        const then = field(n, 'consequence')
        return [
          {
            k: 'if',
            span,
            test: this.condition(field(n, 'condition'), n),
            then: then ? this.single(then) : { k: 'empty', span },
            else: elseStmt && this.single(elseStmt),
          },
        ]
      }
      case 'while_statement': {
        const body = field(n, 'body')
        return [this.inLoop(() => ({ k: 'while', span, test: this.condition(field(n, 'condition'), n), body: body ? this.single(body) : { k: 'empty', span } }))]
      }
      case 'do_statement': {
        const body = field(n, 'body')
        return [this.inLoop(() => ({ k: 'do', span, body: body ? this.single(body) : { k: 'empty', span }, test: this.condition(field(n, 'condition'), n) }))]
      }
      case 'for_statement':
        return [this.scoped(() => this.forStatement(n))]
      case 'break_statement':
        if (fn.breakables.length === 0) this.report('invalid', span, "'break' is not inside a loop or switch")
        return [{ k: 'break', span }]
      case 'continue_statement':
        if (!fn.breakables.includes('loop')) this.report('invalid', span, "'continue' is not inside a loop")
        return [{ k: 'continue', span }]
      case 'return_statement': {
        const e = named(n)[0]
        if (!e && fn.ret.t !== 'void') this.report('invalid', span, "'return' with no value in a function returning non-void")
        return [{ k: 'return', span, value: e && this.expr(e) }]
      }
      case 'goto_statement': {
        const label = field(n, 'label')
        if (!label) return []
        fn.gotos.push({ label: label.text, span: label.span, blocks: [...fn.blocks] })
        return [{ k: 'goto', span, label: label.text }]
      }
      case 'labeled_statement': {
        const label = field(n, 'label')
        const inner = n.children.filter((c) => c.named && c.field !== 'label')
        if (!label) return inner.flatMap((c) => this.stmt(c))
        if (fn.labels.has(label.text)) this.report('redefinition', label.span, `duplicate label '${label.text}'`)
        else fn.labels.set(label.text, { span: label.span, block: fn.blocks[fn.blocks.length - 1] })
        return [{ k: 'label', span: label.span, name: label.text }, ...inner.flatMap((c) => this.stmt(c))]
      }
      case 'switch_statement':
        return [this.switchStatement(n)]
      case 'case_statement':
        this.report('unsupported', spanOf(n.children[0] ?? n), "a 'case' label outside the top of a switch body is not supported")
        return []
      case 'ERROR':
        return []
      default:
        this.unsupported(n)
        return []
    }
  }

  private forStatement(n: SyntaxNode): Stmt {
    const span = n.span
    const init = field(n, 'initializer')
    const test = field(n, 'condition')
    const update = field(n, 'update')
    const body = field(n, 'body')
    const initStmt: Stmt | undefined = !init
      ? undefined
      : init.type === 'declaration'
        ? this.localDeclaration(init)[0]
        : { k: 'expr', span: init.span, expr: this.expr(init) }
    return this.inLoop(() => ({
      k: 'for',
      span,
      init: initStmt,
      test: test && this.expr(test),
      update: update && this.expr(update),
      body: body ? this.single(body) : { k: 'empty', span },
    }))
  }

  private switchStatement(n: SyntaxNode): Stmt {
    const span = n.span
    const test = this.condition(field(n, 'condition'), n)
    const body = field(n, 'body')
    const fn = this.fn!
    fn.breakables.push('switch')
    try {
      if (body && body.type !== 'compound_statement') this.unsupported(body, 'a switch body must be a { } block')
      const stmts = body?.type !== 'compound_statement'
        ? []
        : this.scoped(() =>
              named(body).flatMap((c): Stmt[] => {
                if (c.type !== 'case_statement') return this.stmt(c)
                const value = field(c, 'value')
                const marker: Stmt = { k: 'case', span: spanOf(c.children[0] ?? c), value: value && this.expr(value) }
                return [marker, ...c.children.filter((s) => s.named && s.field !== 'value').flatMap((s) => this.stmt(s))]
              }),
            )
      return { k: 'switch', span, test, body: stmts }
    } finally {
      fn.breakables.pop()
    }
  }

  private localDeclaration(n: SyntaxNode): Stmt[] {
    const spec = this.specifiers(n)
    const span = n.span
    if (spec.storage.includes('static')) {
      this.unsupported(n, 'static local variables are not supported')
      return []
    }
    const typeNode = field(n, 'type')
    if (typeNode?.type === 'enum_specifier' && field(typeNode, 'body')) return []
    const isExtern = spec.storage.includes('extern')
    const vars: VarDecl[] = []
    const out: Stmt[] = []
    for (const d of n.children.filter((c) => c.field === 'declarator')) {
      const decl = spec.base && this.declarator(d, spec.base)
      if (!decl || decl.kind === 'fn') continue
      if (isExtern) {
        this.fn!.scopes[this.fn!.scopes.length - 1].set(decl.name, EXTERN)
        out.push({ k: 'extern', span: spanOf(decl.nameNode), name: decl.name })
        continue
      }
      const ty = this.valueType(decl.ty, d)
      if (!ty) continue
      const slot = this.declareLocal(decl.name, decl.nameNode.span, ty, spec.isConst)
      // The name is in scope in its own initializer, as in C.
      vars.push({ name: decl.name, span: spanOf(d), slot, ty, init: decl.init && this.expr(decl.init) })
    }
    if (vars.length > 0) out.push({ k: 'decl', span, vars })
    return out
  }

  /** Every goto must name a label in a block that encloses it (forward or backward). */
  private checkGotos(fn: FnState): void {
    for (const g of fn.gotos) {
      const label = fn.labels.get(g.label)
      if (!label) this.report('unknown-identifier', g.span, `label '${g.label}' used but not defined`)
      else if (!g.blocks.includes(label.block)) this.report('unsupported', g.span, `'goto ${g.label}' jumps into a nested block, which is not supported`)
    }
  }

  // ---- expressions ------------------------------------------------------------------------

  expr(n: SyntaxNode): Expr {
    const span = n.span
    switch (n.type) {
      case 'identifier':
        return { k: 'name', span, name: n.text, slot: this.lookup(n.text) }
      case 'number_literal':
        return this.number(n)
      case 'char_literal':
        return this.charLiteral(n)
      case 'string_literal':
      case 'concatenated_string':
        return this.string(n)
      case 'true':
      case 'false':
        return { k: 'num', span, value: n.type === 'true' ? 1n : 0n, ty: T_INT }
      case 'null':
        return { k: 'num', span, value: 0n, ty: pointerTo(T_VOID) }
      case 'parenthesized_expression': {
        const inner = named(n)
        if (inner.length !== 1) return this.unsupported(n)
        if (this.isTypeParen(n)) return this.unsupported(n, `type name '${inner[0].text}' used as a value`)
        return this.expr(inner[0])
      }
      case 'unary_expression':
      case 'pointer_expression':
      case 'binary_expression':
      case 'cast_expression':
        return this.lowerChain(n)
      case 'conditional_expression': {
        const then = field(n, 'consequence')
        if (!then) return this.unsupported(n, "the GNU 'a ?: b' operator is not supported")
        return { k: 'cond', span, test: this.sub(n, 'condition'), then: this.expr(then), else: this.sub(n, 'alternative') }
      }
      case 'assignment_expression': {
        const op = field(n, 'operator')?.type as AssignOp | undefined
        const target = this.lvalue(field(n, 'left'), n)
        return op && target ? { k: 'assign', span, op, target, value: this.sub(n, 'right') } : { k: 'bad', span }
      }
      case 'update_expression': {
        const op = field(n, 'operator')?.type as '++' | '--' | undefined
        const target = this.lvalue(field(n, 'argument'), n)
        return op && target ? { k: 'update', span, op, prefix: n.children[0]?.field === 'operator', target } : { k: 'bad', span }
      }
      case 'sizeof_expression': {
        const t = field(n, 'type')
        const v = field(n, 'value')
        if (t) {
          const ty = this.typeDescriptor(t)
          return ty ? { k: 'sizeof', span, ty } : { k: 'bad', span }
        }
        if (v && this.isTypeParen(v)) return { k: 'sizeof', span, ty: namedType(named(v)[0].text)! }
        return v ? { k: 'sizeof-expr', span, arg: this.expr(v) } : { k: 'bad', span }
      }
      case 'comma_expression':
        return { k: 'comma', span, left: this.sub(n, 'left'), right: this.sub(n, 'right') }
      case 'call_expression':
        return this.call(n)
      case 'field_expression': {
        const op = field(n, 'operator')
        const name = field(n, 'field')
        if (op?.type !== '->') return this.unsupported(n, "struct member access with '.' is not supported (only handle->field)")
        return name ? { k: 'field', span, object: this.sub(n, 'argument'), field: name.text } : { k: 'bad', span }
      }
      case 'ERROR':
        return { k: 'bad', span }
      default:
        return this.unsupported(n)
    }
  }

  private sub(n: SyntaxNode, name: string): Expr {
    const c = field(n, name)
    return c ? this.expr(c) : { k: 'bad', span: n.span }
  }

  private lvalue(n: SyntaxNode | undefined, at: SyntaxNode): LValue | undefined {
    if (!n) return undefined
    const e = this.expr(n)
    if (e.k === 'name' || e.k === 'field') return e
    if (e.k !== 'bad') this.report('invalid', n.span, `lvalue required as ${at.type === 'update_expression' ? 'increment/decrement operand' : 'left operand of assignment'}`)
    return undefined
  }

  /** `(u64)`: a parenthesized kernel typedef name, which tree-sitter read as an expression. */
  private isTypeParen(n: SyntaxNode): boolean {
    if (n.type !== 'parenthesized_expression') return false
    const inner = named(n)
    return inner.length === 1 && inner[0].type === 'identifier' && isTypedefName(inner[0].text)
  }

  private call(n: SyntaxNode): Expr {
    const f = field(n, 'function')
    const argList = field(n, 'arguments')
    const args = argList ? named(argList).map((a) => this.expr(a)) : []
    if (f && this.isTypeParen(f)) {
      if (args.length !== 1) return this.unsupported(n)
      return { k: 'cast', span: n.span, ty: namedType(named(f)[0].text)!, arg: args[0] }
    }
    if (!f || f.type !== 'identifier') return f ? this.unsupported(f, 'calls through function pointers are not supported') : { k: 'bad', span: n.span }
    if (this.lookup(f.text) >= 0) return this.unsupported(f, `'${f.text}' is a variable: calls through function pointers are not supported`)
    return { k: 'call', span: n.span, callee: f.text, calleeSpan: f.span, args }
  }

  /** Flatten an operator chain to tokens in source order (only descending where a cast can hide). */
  private flatten(n: SyntaxNode, out: ChainTok[]): void {
    if (n.type === 'binary_expression') {
      const l = field(n, 'left')
      const op = field(n, 'operator')
      const r = field(n, 'right')
      if (!l || !op || !r) return void out.push({ k: 'atom', node: n })
      this.flatten(l, out)
      out.push({ k: 'op', op: op.type, node: op })
      this.flatten(r, out)
    } else if (n.type === 'unary_expression' || n.type === 'pointer_expression') {
      const op = field(n, 'operator')
      const arg = field(n, 'argument')
      if (!op || !arg) return void out.push({ k: 'atom', node: n })
      // tree-sitter reads `-x = 4` as `-(x = 4)`; C reads `(-x) = 4` and rejects it.
      if (arg.type === 'assignment_expression') this.report('invalid', n.span, 'lvalue required as left operand of assignment')
      out.push({ k: 'pre', op: op.type, node: op })
      this.flatten(arg, out)
    } else if (n.type === 'cast_expression') {
      const t = field(n, 'type')
      const v = field(n, 'value')
      if (!t || !v) return void out.push({ k: 'atom', node: n })
      if (v.type === 'assignment_expression') this.report('invalid', n.span, 'lvalue required as left operand of assignment')
      out.push({ k: 'cast', ty: this.typeDescriptor(t), node: n })
      this.flatten(v, out)
    } else {
      out.push({ k: 'atom', node: n })
    }
  }

  /**
   * Unary, cast and binary operators, as one chain re-parsed with C precedence.
   * For a chain without a `(typedef)` this rebuilds the tree tree-sitter gave;
   * with one, `(u64) - 1 * 2` becomes `((u64)-1) * 2`.
   */
  private lowerChain(n: SyntaxNode): Expr {
    const toks: ChainTok[] = []
    this.flatten(n, toks)
    let i = 0
    const unary = (): Expr => {
      const t = toks[i++]
      if (!t) return this.unsupported(n, 'expected an expression')
      if (t.k === 'pre') {
        const arg = unary()
        return this.prefix(t.op, t.node, arg)
      }
      if (t.k === 'cast') {
        const arg = unary()
        return t.ty ? { k: 'cast', span: join(spanOf(t.node), arg.span), ty: t.ty, arg } : { k: 'bad', span: t.node.span }
      }
      if (t.k === 'op') return this.unsupported(t.node, `expected an expression before '${t.op}'`)
      if (this.isTypeParen(t.node)) {
        const ty = namedType(named(t.node)[0].text)!
        const next = toks[i]
        if (next?.k !== 'op' || !['-', '+', '*', '&'].includes(next.op)) return this.unsupported(t.node, `'${t.node.children.map((c) => c.text).join('')}' needs an operand to cast`)
        i++
        const arg = this.prefix(next.op, next.node, unary())
        return { k: 'cast', span: join(t.node.span, arg.span), ty, arg }
      }
      return this.expr(t.node)
    }
    const binary = (minPrec: number): Expr => {
      let left = unary()
      for (;;) {
        const t = toks[i]
        if (t?.k !== 'op' || PREC[t.op] === undefined || PREC[t.op] < minPrec) return left
        i++
        const right = binary(PREC[t.op] + 1)
        const span = join(left.span, right.span)
        left =
          t.op === '&&' || t.op === '||'
            ? { k: 'logical', span, op: t.op, left, right }
            : { k: 'binary', span, op: t.op as BinaryOp, left, right }
      }
    }
    const e = binary(0)
    return i === toks.length ? e : this.unsupported(toks[i].node, 'unexpected operator')
  }

  private prefix(op: string, opNode: SyntaxNode, arg: Expr): Expr {
    const span = join(opNode.span, arg.span)
    if (op === '-' || op === '+' || op === '!' || op === '~') return { k: 'unary', span, op, arg }
    if (op === '&') {
      if (arg.k === 'name' && arg.slot === -1) return { k: 'addr', span, name: arg.name }
      if (arg.k === 'bad') return arg
      this.report('unsupported', span, arg.k === 'name' ? "taking the address of a local variable is not supported" : "'&' is only supported on a global or kernel object name")
      return { k: 'bad', span }
    }
    if (op === '*') {
      this.report('unsupported', span, 'dereferencing a pointer is not supported: use the kernel accessor (pmdp_get, READ_ONCE...)')
      return { k: 'bad', span }
    }
    this.report('unsupported', span, `operator '${op}' is not supported`)
    return { k: 'bad', span }
  }

  private number(n: SyntaxNode): Expr {
    const sign = /^[-+]/.exec(n.text)?.[0]
    const text = sign ? n.text.slice(1) : n.text
    const lit = parseIntLiteral(text)
    if (typeof lit === 'string') {
      this.report(lit.startsWith('floating') ? 'unsupported' : 'invalid', n.span, lit)
      return { k: 'bad', span: n.span }
    }
    const num: Expr = { k: 'num', span: n.span, value: lit.value, ty: lit.ty }
    return sign ? { k: 'unary', span: n.span, op: sign as '-' | '+', arg: num } : num
  }

  private charLiteral(n: SyntaxNode): Expr {
    const text = decodeEscapes(n.children.filter((c) => c.type === 'character' || c.type === 'escape_sequence').map((c) => c.text).join(''))
    if (n.children[0]?.type !== "'" || text === undefined || text.length !== 1 || text.charCodeAt(0) > 0xff) return this.unsupported(n, 'only plain one-byte character constants are supported')
    return { k: 'num', span: n.span, value: BigInt(text.charCodeAt(0)), ty: T_INT }
  }

  private string(n: SyntaxNode): Expr {
    const parts = n.type === 'concatenated_string' ? named(n) : [n]
    let value = ''
    for (const p of parts) {
      if (p.type !== 'string_literal' || p.children[0]?.type !== '"') return this.unsupported(p, 'only plain string literals are supported')
      const s = decodeEscapes(p.children.filter((c) => c.type === 'string_content' || c.type === 'escape_sequence').map((c) => c.text).join(''))
      if (s === undefined) return this.unsupported(p, 'unsupported escape sequence')
      value += s
    }
    return { k: 'str', span: n.span, value }
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?', e: '\x1b' }

/** Decode C escape sequences; undefined for one the subset does not know. */
function decodeEscapes(s: string): string | undefined {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') {
      out += s[i]
      continue
    }
    const c = s[++i]
    const oct = /^[0-7]{1,3}/.exec(s.slice(i))
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(s.slice(i))
    if (c !== undefined && c in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[c]
    else if (oct) {
      out += String.fromCharCode(parseInt(oct[0], 8) & 0xff)
      i += oct[0].length - 1
    } else if (hex) {
      out += String.fromCharCode(parseInt(hex[1], 16))
      i += hex[0].length - 1
    } else return undefined
  }
  return out
}

/** Lower a parsed policy file to an AST (a Program of this file only) with its diagnostics. */
export function lowerProgram(syntax: SyntaxResult, file: string): Lowered {
  const l = new Lowerer(file)
  l.translationUnit(syntax.root, syntax.annotations)
  return { program: l.program, diagnostics: l.diagnostics, brokenNames: l.brokenNames }
}
