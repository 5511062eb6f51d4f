/*
 * tree-sitter-c → a plain syntax tree, and the syntax diagnostics.
 *
 * Kernel annotation macros (`__init`, `__ro_after_init`...) are not C:
 * tree-sitter-c reads `void __init mem_init(void)` as a declaration of `__init`
 * followed by a function whose return type is `mem_init`, and
 * `bool page_alloc_available __ro_after_init;` as a declaration missing its `;`.
 * So they are replaced by spaces before parsing (columns stay put) and recorded
 * with their offsets, for the lowering to attach to the declaration around them.
 *
 * The tree is copied once into plain objects with a cursor: the rest of the
 * front end never touches wasm memory. `#define` values are parsed as
 * expressions and grafted in place of their raw `preproc_arg` text.
 *
 * A file is parsed incrementally against the last file this parser parsed (the
 * learner retyping one file: tree-sitter reuses what the edit left alone), and
 * afresh whenever the incremental tree has an error, so the result and its
 * syntax diagnostics never depend on what was parsed before.
 */
import type { Edit, Parser, Tree } from 'web-tree-sitter'
import type { Span } from './ast'
import type { SyntaxNode } from './tree'
import { assignmentInConditionWarnings, braceDiagnostics, missingTokenMessage } from './slips'
import type { Diagnostic } from './value'

/** One annotation macro found in the source. */
export interface AnnotationMark {
  name: string
  offset: number
  span: Span
}

export interface SyntaxResult {
  root: SyntaxNode
  annotations: AnnotationMark[]
  diagnostics: Diagnostic[]
}

/** Macros that only annotate a declaration; the model records them and parses around them. */
export const ANNOTATIONS: ReadonlySet<string> = new Set([
  '__init',
  '__initdata',
  '__initconst',
  '__ro_after_init',
  '__read_mostly',
  '__always_inline',
  '__maybe_unused',
  '__must_check',
  'noinline',
  'notrace',
])

/** Blank every annotation macro outside comments, strings and character constants. */
function blankAnnotations(source: string): { text: string; marks: AnnotationMark[] } {
  const marks: AnnotationMark[] = []
  let out = ''
  let copied = 0
  let line = 1
  let lineStart = 0
  let i = 0
  const n = source.length
  while (i < n) {
    const c = source[i]
    if (c === '\n') {
      line++
      lineStart = ++i
    } else if (c === '/' && source[i + 1] === '/') {
      while (i < n && source[i] !== '\n') i++
    } else if (c === '/' && source[i + 1] === '*') {
      i += 2
      while (i < n && !(source[i] === '*' && source[i + 1] === '/')) {
        if (source[i] === '\n') {
          line++
          lineStart = i + 1
        }
        i++
      }
      i += 2
    } else if (c === '"' || c === "'") {
      i++
      while (i < n && source[i] !== c && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1
      i++
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i
      while (i < n && /[A-Za-z0-9_]/.test(source[i])) i++
      const word = source.slice(start, i)
      if (ANNOTATIONS.has(word)) {
        const column = start - lineStart + 1
        marks.push({ name: word, offset: start, span: { line, column, endLine: line, endColumn: column + word.length } })
        out += source.slice(copied, start) + ' '.repeat(word.length)
        copied = i
      }
    } else {
      i++
    }
  }
  return { text: out + source.slice(copied), marks }
}

interface Point {
  row: number
  column: number
}
type PosMap = (p: Point) => { line: number; column: number }

/**
 * tree-sitter's Point of a UTF-16 index of `text` (the web binding's unit): rows split at
 * '\n' only, columns count code units from the row's start. Computed here from a table of
 * line starts rather than read through the cursor: each cursor read is a call into wasm.
 */
function pointsOf(text: string): (index: number) => Point {
  const starts = [0]
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  return (index) => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid] <= index) lo = mid
      else hi = mid - 1
    }
    return { row: lo, column: index - starts[lo] }
  }
}

/**
 * Copy the tree under a cursor into plain nodes; comments are dropped. Each node costs
 * six reads through the cursor (type, named, missing, field, start and end index);
 * positions and leaf texts come from `text` itself.
 */
function snapshot(parser: Parser, text: string, map: PosMap, offsetBase: number, tree = parser.parse(text)): SyntaxNode | undefined {
  if (!tree) return undefined
  const types = tree.language.types
  const point = pointsOf(text)
  const cursor = tree.walk()
  const typeHere = () => types[cursor.nodeTypeId] || 'ERROR'
  const build = (type: string, field: string | null): SyntaxNode => {
    const start = cursor.startIndex
    const end = cursor.endIndex
    const missing = cursor.nodeIsMissing
    const s = map(point(start))
    const e = map(point(end))
    const node: SyntaxNode = {
      type,
      named: cursor.nodeIsNamed,
      field,
      missing,
      hasError: missing || type === 'ERROR',
      span: { line: s.line, column: s.column, endLine: e.line, endColumn: e.column },
      start: start + offsetBase,
      end: end + offsetBase,
      text: '',
      children: [],
    }
    if (cursor.gotoFirstChild()) {
      do {
        const childType = typeHere()
        if (childType === 'comment') continue
        const child = build(childType, cursor.currentFieldName)
        node.hasError ||= child.hasError
        node.children.push(child)
      } while (cursor.gotoNextSibling())
      cursor.gotoParent()
    } else {
      node.text = text.slice(start, end)
    }
    return node
  }
  try {
    return build(typeHere(), null)
  } finally {
    cursor.delete()
    if (!lastFile.has(parser) || lastFile.get(parser)!.tree !== tree) tree.delete()
  }
}

/** The last whole file each parser parsed, kept for the next one's incremental parse. */
const lastFile = new WeakMap<Parser, { text: string; tree: Tree }>()

/**
 * `text` parsed, reusing the parser's last file: the edit between the two (their common prefix
 * and suffix) is applied to the old tree first. An incremental tree with an error is thrown away
 * for a fresh parse: error recovery may differ with the starting tree; a tree without one does not.
 */
function parseFile(parser: Parser, text: string): Tree | null {
  const last = lastFile.get(parser)
  if (last?.text === text) return last.tree
  let tree: Tree | null = null
  if (last) {
    const old = last.text
    let start = 0
    const max = Math.min(old.length, text.length)
    while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++
    let suffix = 0
    while (suffix < max - start && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++
    const [oldPoint, newPoint] = [pointsOf(old), pointsOf(text)]
    // Tree.edit() reads these six fields (Edit's methods are helpers for callers); the core
    // holds only web-tree-sitter's types, never its runtime, so the record is built here.
    last.tree.edit({
      startIndex: start,
      oldEndIndex: old.length - suffix,
      newEndIndex: text.length - suffix,
      startPosition: newPoint(start),
      oldEndPosition: oldPoint(old.length - suffix),
      newEndPosition: newPoint(text.length - suffix),
    } as Edit)
    tree = parser.parse(text, last.tree)
    if (tree?.rootNode.hasError) {
      tree.delete()
      tree = null
    }
  }
  tree ??= parser.parse(text)
  if (last) last.tree.delete()
  if (tree) lastFile.set(parser, { text, tree })
  else lastFile.delete(parser)
  return tree
}

const DEFINE_PREFIX = 'long __bootlab_define = '

/** Parse a `#define` body as an expression, positioned where it sits in the file. */
function parseDefineValue(parser: Parser, arg: SyntaxNode): SyntaxNode {
  // A line continuation becomes a plain line break, so later lines keep their columns.
  const body = arg.text.replace(/\\(?=\r?\n)/g, ' ')
  const map: PosMap = (p) =>
    p.row === 0
      ? { line: arg.span.line, column: arg.span.column + Math.max(0, p.column - DEFINE_PREFIX.length) }
      : { line: arg.span.line + p.row, column: p.column + 1 }
  const root = snapshot(parser, `${DEFINE_PREFIX}${body};`, map, arg.start - DEFINE_PREFIX.length)
  const decl = root?.children.find((c) => c.type === 'declaration')
  const init = decl?.children.find((c) => c.type === 'init_declarator')
  const value = init?.children.find((c) => c.field === 'value')
  if (value && root?.children.length === 1) return { ...value, field: 'value' }
  return { ...arg, type: 'define_value_error', hasError: true, field: 'value' }
}

/** Replace each `preproc_def`'s raw text by its parsed expression; true when an error came with it. */
function graftDefines(parser: Parser, node: SyntaxNode): boolean {
  for (const child of node.children) {
    if (child.type === 'preproc_def') {
      const i = child.children.findIndex((c) => c.type === 'preproc_arg')
      const arg = child.children[i]
      if (arg && arg.text.trim() !== '') {
        const value = parseDefineValue(parser, arg)
        child.children[i] = value
        child.hasError ||= value.hasError
      }
      node.hasError ||= child.hasError
    } else if (child.children.length > 0 && child.type !== 'function_definition') {
      node.hasError = graftDefines(parser, child) || node.hasError
    }
  }
  return node.hasError
}

const toLine = (p: Point) => ({ line: p.row + 1, column: p.column + 1 })

const diag = (file: string, span: Span, message: string): Diagnostic => ({
  severity: 'error',
  code: 'syntax',
  message,
  file,
  line: span.line,
  column: span.column,
  endLine: span.endLine,
  // A zero-width range (a missing token) still needs a visible marker.
  endColumn: span.endLine === span.line && span.endColumn <= span.column ? span.column + 1 : span.endColumn,
})

const firstToken = (n: SyntaxNode): SyntaxNode | undefined =>
  n.children.length === 0 ? (n.text ? n : undefined) : n.children.map(firstToken).find((t) => t !== undefined)

/** One diagnostic per ERROR (outermost) and per MISSING node. */
function collectErrors(node: SyntaxNode, file: string, text: string, out: Diagnostic[], inError: boolean, parentType = ''): void {
  if (!node.hasError) return
  if (node.missing) {
    out.push(diag(file, node.span, missingTokenMessage(node, text, parentType)))
    return
  }
  if (node.type === 'define_value_error') {
    out.push(diag(file, node.span, 'syntax error: the #define value is not an expression'))
    return
  }
  const isError = node.type === 'ERROR'
  if (isError && !inError) {
    const tok = firstToken(node)
    const text = tok ? (tok.text.length > 30 ? `${tok.text.slice(0, 30)}…` : tok.text) : ''
    const span = tok ? { ...node.span, endLine: tok.span.endLine, endColumn: tok.span.endColumn } : node.span
    out.push(diag(file, span, text ? `syntax error: unexpected '${text}'` : 'syntax error'))
  }
  for (const c of node.children) collectErrors(c, file, text, out, inError || isError, node.type)
}

/** Parse a policy file into a plain syntax tree with its syntax diagnostics. */
export function parseSyntax(parser: Parser, source: string, file: string): SyntaxResult {
  const { text, marks } = blankAnnotations(source)
  const root = snapshot(parser, text, toLine, 0, parseFile(parser, text) ?? undefined)
  if (!root) {
    const span = { line: 1, column: 1, endLine: 1, endColumn: 1 }
    const empty: SyntaxNode = { type: 'translation_unit', named: true, field: null, missing: false, hasError: true, span, start: 0, end: 0, text: '', children: [] }
    return { root: empty, annotations: marks, diagnostics: [diag(file, span, 'syntax error: the parser gave up')] }
  }
  graftDefines(parser, root)
  const diagnostics: Diagnostic[] = []
  collectErrors(root, file, text, diagnostics, false)
  // An unclosed '{' shows only at the end of the file: point at the '{' itself too.
  if (diagnostics.some((d) => d.message.startsWith("syntax error: expected '}'"))) diagnostics.push(...braceDiagnostics(text, file))
  diagnostics.push(...assignmentInConditionWarnings(root, file))
  return { root, annotations: marks, diagnostics }
}
