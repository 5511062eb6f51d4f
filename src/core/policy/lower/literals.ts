/*
 * Lowering the C literals a policy may use (C11 6.4.4, 6.4.5): integer
 * constants with their suffixes and types (ctype.ts parseIntLiteral), one-byte
 * character constants, and string literals with adjacent ones concatenated, C
 * escape sequences decoded. Floating constants, wide and UTF strings are
 * outside the subset and get a located diagnostic.
 */
import type { Expr } from '../ast'
import { T_INT, parseIntLiteral } from '../ctype'
import type { SyntaxNode } from '../tree'
import { type LowerContext, named, report, unsupported } from './context'

export function numberLiteral(lx: LowerContext, n: SyntaxNode): Expr {
  const sign = /^[-+]/.exec(n.text)?.[0]
  const text = sign ? n.text.slice(1) : n.text
  const lit = parseIntLiteral(text)
  if (typeof lit === 'string') {
    report(lx, lit.startsWith('floating') ? 'unsupported' : 'invalid', n.span, lit)
    return { k: 'bad', span: n.span }
  }
  const num: Expr = { k: 'num', span: n.span, value: lit.value, ty: lit.ty }
  return sign ? { k: 'unary', span: n.span, op: sign as '-' | '+', arg: num } : num
}

export function charLiteral(lx: LowerContext, n: SyntaxNode): Expr {
  const text = decodeEscapes(n.children.filter((c) => c.type === 'character' || c.type === 'escape_sequence').map((c) => c.text).join(''))
  if (n.children[0]?.type !== "'" || text === undefined || text.length !== 1 || text.charCodeAt(0) > 0xff) return unsupported(lx, n, 'only plain one-byte character constants are supported')
  return { k: 'num', span: n.span, value: BigInt(text.charCodeAt(0)), ty: T_INT }
}

export function stringLiteral(lx: LowerContext, n: SyntaxNode): Expr {
  const parts = n.type === 'concatenated_string' ? named(n) : [n]
  let value = ''
  for (const p of parts) {
    if (p.type !== 'string_literal' || p.children[0]?.type !== '"') return unsupported(lx, p, 'only plain string literals are supported')
    const s = decodeEscapes(p.children.filter((c) => c.type === 'string_content' || c.type === 'escape_sequence').map((c) => c.text).join(''))
    if (s === undefined) return unsupported(lx, p, 'unsupported escape sequence')
    value += s
  }
  return { k: 'str', span: n.span, value }
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


