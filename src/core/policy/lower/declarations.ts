/*
 * Lowering a translation unit (C11 6.9): its external declarations and
 * function definitions, `#define NAME value` (constant macros only), enum
 * constants, `*_initcall(fn);` registrations (include/linux/init.h) and the
 * kernel annotation macros (`__init`, `__ro_after_init`...) attached to the
 * item they sit in. The entry point of the lowering: syntax tree → Program.
 *
 * Everything outside the subset (structs by value, arrays, floating point,
 * function pointers, inline asm, statement expressions, the preprocessor beyond
 * `#include` and constant `#define`s) becomes an `unsupported` diagnostic at
 * its position, never an exception. The lexical facts that do not depend on
 * linking are settled here and in statements.ts: locals and parameters get
 * frame slots, labels and `goto`s are matched, `break`/`continue`/`return` are
 * checked against their context. Names are bound by compile/ after linking.
 */
import { type DefineDef, type Expr, type ExternDecl, type FunctionDef, type GlobalDef, INITCALL_LEVELS, type InitcallLevel, type Program } from '../ast'
import { T_INT } from '../ctype'
import type { AnnotationMark, SyntaxResult } from '../syntax'
import type { SyntaxNode } from '../tree'
import type { Diagnostic } from '../value'
import { type FnState, type Item, type LowerContext, UNSUPPORTED, declareLocal, field, lowerContext, named, report, spanOf, unsupported } from './context'
import { expression } from './expressions'
import { blockBody, checkGotos } from './statements'
import { declarator, pointer, specifiers, valueType } from './types'

export interface Lowered {
  program: Program
  diagnostics: Diagnostic[]
  /** Names declared by top-level items that had syntax errors: known, but not checked or run. */
  brokenNames: Set<string>
}

/** Lower a parsed policy file to an AST (a Program of this file only) with its diagnostics. */
export function lowerProgram(syntax: SyntaxResult, file: string): Lowered {
  const lx = lowerContext(file)
  translationUnit(lx, syntax.root, syntax.annotations)
  return { program: lx.program, diagnostics: lx.diagnostics, brokenNames: lx.brokenNames }
}

function translationUnit(lx: LowerContext, root: SyntaxNode, marks: AnnotationMark[]): void {
  for (const n of root.children) topLevel(lx, n)
  attachAnnotations(lx, marks)
}

function topLevel(lx: LowerContext, n: SyntaxNode): void {
  const item: Item = { start: n.start, end: n.end, bodyStart: n.end, annotations: null }
  lx.items.push(item)
  switch (n.type) {
    case 'function_definition':
      return functionDefinition(lx, n, item)
    case 'declaration':
      return globalDeclaration(lx, n, item)
    case 'preproc_def':
      return defineDirective(lx, n)
    case 'enum_specifier':
      return enumConstants(lx, n)
    case 'struct_specifier':
    case 'union_specifier':
      if (field(n, 'body') || n.type === 'union_specifier') unsupported(lx, n)
      return
    case 'preproc_include':
    case ';':
    case 'ERROR':
      return
    default:
      if (n.type in UNSUPPORTED) unsupported(lx, n)
      else if (initcall(lx, n)) return
      else if (!n.hasError) report(lx, 'syntax', n.span, 'syntax error: statements must be inside a function')
  }
}

/** `device_initcall(fn);` and the other levels' macros (include/linux/init.h): a registration, not a statement. */
function initcall(lx: LowerContext, n: SyntaxNode): boolean {
  if (n.type !== 'expression_statement' || n.hasError) return false
  const call = n.children.find((c) => c.type === 'call_expression')
  const callee = call && field(call, 'function')
  const m = callee?.type === 'identifier' ? /^([a-z]+)_initcall$/.exec(callee.text) : null
  if (!call || !m || !(INITCALL_LEVELS as readonly string[]).includes(m[1])) return false
  const args = (field(call, 'arguments')?.children ?? []).filter((c) => c.named)
  if (args.length !== 1 || args[0].type !== 'identifier') {
    report(lx, 'syntax', call.span, `${callee!.text}() takes the name of an int __init function`)
    return true
  }
  ;(lx.program.initcalls ??= []).push({ level: m[1] as InitcallLevel, fn: args[0].text, file: lx.file, span: call.span })
  return true
}

function attachAnnotations(lx: LowerContext, marks: AnnotationMark[]): void {
  for (const m of marks) {
    const item = lx.items.find((it) => it.start <= m.offset && m.offset < it.end) ?? lx.items.find((it) => it.start > m.offset)
    if (!item) report(lx, 'unsupported', m.span, `${m.name} is not attached to a declaration`)
    else if (m.offset >= item.bodyStart) report(lx, 'unsupported', m.span, `${m.name} inside a function body is not supported`)
    else if (item.annotations && !item.annotations.includes(m.name)) item.annotations.push(m.name)
  }
  for (const f of lx.program.functions) f.annotations.sort()
  for (const g of lx.program.globals) g.annotations.sort()
}

function defineDirective(lx: LowerContext, n: SyntaxNode): void {
  const name = field(n, 'name')
  const value = field(n, 'value')
  if (!name) return
  if (!value) {
    report(lx, 'unsupported', n.span, `#define ${name.text} without a value is not supported`)
    return
  }
  if (value.hasError) {
    lx.brokenNames.add(name.text)
    return
  }
  lx.program.defines.push({ name: name.text, file: lx.file, span: spanOf(name), value: expression(lx, value) })
}

/** `enum { A, B = 3 };`: each enumerator is an int constant, one more than the last by default. */
function enumConstants(lx: LowerContext, n: SyntaxNode): void {
  const body = field(n, 'body')
  if (!body) return
  let prev: DefineDef | undefined
  for (const e of named(body)) {
    const name = field(e, 'name')
    if (e.type !== 'enumerator' || !name) continue
    const span = spanOf(name)
    const v = field(e, 'value')
    const value: Expr = v
      ? expression(lx, v)
      : prev
        ? { k: 'binary', span, op: '+', left: { k: 'name', span, name: prev.name, slot: -1 }, right: { k: 'num', span, value: 1n, ty: T_INT } }
        : { k: 'num', span, value: 0n, ty: T_INT }
    prev = { name: name.text, file: lx.file, span, value: { k: 'cast', span, ty: T_INT, arg: value } }
    lx.program.defines.push(prev)
  }
}

function functionDefinition(lx: LowerContext, n: SyntaxNode, item: Item): void {
  const spec = specifiers(lx, n)
  const body = field(n, 'body')
  let declarator = field(n, 'declarator')
  let ret = spec.base
  while (declarator?.type === 'pointer_declarator') {
    ret = ret && pointer(ret)
    declarator = field(declarator, 'declarator')
  }
  const nameNode = declarator && field(declarator, 'declarator')
  if (!declarator || declarator.type !== 'function_declarator' || !nameNode || nameNode.type !== 'identifier' || !body) {
    unsupported(lx, declarator ?? n, 'this function declarator is not supported')
    return
  }
  const name = nameNode.text
  item.bodyStart = body.start
  if (n.children.some((c) => c.type === 'declaration')) {
    unsupported(lx, n, 'old-style (K&R) parameter declarations are not supported')
    return
  }
  const retType = ret && valueType(lx, ret, field(n, 'type') ?? n, true)
  const fn: FnState = { ret: retType ?? T_INT, locals: [], scopes: [new Map()], breakables: [], blocks: [0], nextBlock: 1, labels: new Map(), gotos: [] }
  lx.fn = fn
  const reported = lx.diagnostics.length
  const params = parameters(lx, field(declarator, 'parameters'))
  const stmts = blockBody(lx, body)
  checkGotos(lx, fn)
  lx.fn = null
  const annotations = [...spec.storage]
  item.annotations = annotations
  // Inside a function with a syntax error, other complaints are noise until it parses.
  if (n.hasError) lx.diagnostics.length = reported
  if (n.hasError || !retType || params === undefined) {
    lx.brokenNames.add(name)
    return
  }
  lx.program.functions.push({
    name,
    file: lx.file,
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
function parameters(lx: LowerContext, list: SyntaxNode | undefined): number | undefined {
  if (!list) return undefined
  const ps = named(list)
  let ok = true
  for (const p of ps) {
    if (p.type === 'variadic_parameter') {
      unsupported(lx, p, 'variadic functions are not supported')
      ok = false
      continue
    }
    if (p.type !== 'parameter_declaration') {
      unsupported(lx, p, 'this parameter is not supported')
      ok = false
      continue
    }
    const spec = specifiers(lx, p)
    const d = field(p, 'declarator')
    if (!d) {
      if (ps.length === 1 && spec.base && 't' in spec.base && spec.base.t === 'void') return 0
      report(lx, 'invalid', p.span, 'parameter name omitted')
      ok = false
      continue
    }
    const decl = spec.base && declarator(lx, d, spec.base)
    const ty = decl?.kind === 'var' ? valueType(lx, decl.ty, p) : undefined
    if (decl?.kind !== 'var' || !ty) {
      if (decl?.kind === 'fn') unsupported(lx, d, 'function pointers are not supported')
      ok = false
      continue
    }
    declareLocal(lx, decl.name, decl.nameNode.span, ty, spec.isConst)
  }
  return ok ? lx.fn!.locals.length : undefined
}

function globalDeclaration(lx: LowerContext, n: SyntaxNode, item: Item): void {
  const spec = specifiers(lx, n)
  const annotations = [...spec.storage, ...(spec.isConst ? ['const'] : [])]
  item.annotations = annotations
  const typeNode = field(n, 'type')
  if (typeNode?.type === 'enum_specifier') enumConstants(lx, typeNode)
  for (const d of n.children.filter((c) => c.field === 'declarator')) {
    const decl = spec.base && declarator(lx, d, spec.base)
    if (!decl || decl.kind === 'fn') continue
    if (n.hasError) {
      lx.brokenNames.add(decl.name)
      continue
    }
    if (spec.storage.includes('extern') && !decl.init) {
      lx.program.externs.push({ name: decl.name, file: lx.file, span: spanOf(decl.nameNode) } satisfies ExternDecl)
      continue
    }
    const ty = valueType(lx, decl.ty, d)
    if (!ty) {
      lx.brokenNames.add(decl.name)
      continue
    }
    lx.program.globals.push({
      name: decl.name,
      file: lx.file,
      span: spanOf(d),
      nameSpan: decl.nameNode.span,
      ty,
      isConst: spec.isConst,
      init: decl.init && expression(lx, decl.init),
      annotations,
    } satisfies GlobalDef)
  }
}
