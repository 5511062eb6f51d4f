/*
 * The common C slips, said the way gcc says them (gcc/c/c-parser.cc
 * c_parser_require: "expected ';' before 'x'"; c-common.cc warn_for_assignment
 * under -Wparentheses: "suggest parentheses around assignment used as truth
 * value"), for a learner who moved a line and lost a ';' or a '}'.
 *
 * tree-sitter recovers from a slip by inserting a MISSING token; gcc names the
 * token it found instead, so the message names the next token of the source.
 * An unclosed '{' is only noticed at the end of the file; the brace scan below
 * points at the '{' that indentation says was left open.
 */
import type { Span } from './ast'
import type { SyntaxNode } from './tree'
import type { Diagnostic } from './value'

/** The source token starting at or after `offset` (comments and white space skipped), cut to 30 characters; '' at the end. */
export function tokenAfter(text: string, offset: number): string {
  const rest = text.slice(offset).replace(/^(?:\s+|\/\*[\s\S]*?\*\/|\/\/[^\n]*)*/, '')
  const m = /^(?:[A-Za-z_]\w*|\d\w*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|->|\+\+|--|<<|>>|[<>=!&|^+\-*/%]=|&&|\|\||\S)/.exec(rest)
  if (!m) return ''
  return m[0].length > 30 ? `${m[0].slice(0, 30)}…` : m[0]
}

/**
 * The message for a token tree-sitter had to insert: "expected ';' before 'next'".
 * An identifier missing inside an expression (`1 +;`) is an expression missing, as gcc says.
 */
export function missingTokenMessage(node: SyntaxNode, text: string, parentType = ''): string {
  const inExpression = node.type === 'identifier' && /(_expression|^argument_list|^init_declarator|^return_statement)$/.test(parentType)
  const what = inExpression ? 'expression' : node.named ? node.type.replace(/_/g, ' ') : `'${node.type}'`
  const next = tokenAfter(text, node.end)
  return `syntax error: expected ${what} ${next ? `before '${next}'` : 'at end of input'}`
}

interface Brace {
  offset: number
  line: number
  column: number
  indent: number
}

/**
 * The '{' and '}' of the source outside comments, strings and character
 * constants, matched: the '{' left open (by indentation, the first whose '}'
 * sits at another indentation, else the innermost still open at the end) and
 * any '}' that closes nothing.
 */
export function braceBalance(text: string): { unclosed?: Brace; stray: Brace[] } {
  const lineStarts = [0]
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1)
  const at = (offset: number): Brace => {
    let line = lineStarts.length - 1
    while (lineStarts[line] > offset) line--
    const start = lineStarts[line]
    return { offset, line: line + 1, column: offset - start + 1, indent: /^[ \t]*/.exec(text.slice(start))![0].replace(/\t/g, '        ').length }
  }
  const open: Brace[] = []
  const stray: Brace[] = []
  let misindented: Brace | undefined
  const token = /\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|[{}]/g
  for (let m; (m = token.exec(text)); ) {
    if (m[0] === '{') open.push(at(m.index))
    else if (m[0] === '}') {
      const close = at(m.index)
      const opener = open.pop()
      if (!opener) stray.push(close)
      else if (!misindented && opener.indent !== close.indent && close.column === close.indent + 1) misindented = opener
    }
  }
  return { unclosed: open.length ? (misindented ?? open[open.length - 1]) : undefined, stray }
}

const spanOf = (b: { line: number; column: number }): Span => ({ line: b.line, column: b.column, endLine: b.line, endColumn: b.column + 1 })

/** The diagnostics for unbalanced braces: the '{' left open, located at that '{'. */
export function braceDiagnostics(text: string, file: string): Diagnostic[] {
  const { unclosed } = braceBalance(text)
  if (!unclosed) return []
  return [{ severity: 'error', code: 'syntax', message: "unbalanced braces: this '{' is never closed (expected '}')", file, ...spanOf(unclosed) }]
}

const CONDITION_OF = new Set(['if_statement', 'while_statement', 'do_statement', 'for_statement'])

/** gcc's -Wparentheses warning: `if (x = 1)` where `if (x == 1)` was meant; `if ((x = f()))` says the assignment is meant. */
export function assignmentInConditionWarnings(root: SyntaxNode, file: string): Diagnostic[] {
  const out: Diagnostic[] = []
  const visit = (n: SyntaxNode) => {
    if (CONDITION_OF.has(n.type)) {
      const cond = n.children.find((c) => c.field === 'condition')
      const inner = cond?.type === 'parenthesized_expression' ? cond.children.filter((c) => c.named) : cond ? [cond] : []
      const assign = inner.length === 1 && inner[0].type === 'assignment_expression' ? inner[0] : undefined
      if (assign && assign.children.some((c) => c.field === 'operator' && c.type === '=')) {
        out.push({
          severity: 'warning',
          code: 'syntax',
          message: "suggest parentheses around assignment used as truth value: did you mean '=='? (write ((a = b)) if the assignment is meant)",
          file,
          ...assign.span,
        })
      }
    }
    for (const c of n.children) visit(c)
  }
  visit(root)
  return out
}
