/*
 * The plain syntax tree the front end reads: tree-sitter-c's concrete syntax
 * tree copied once into plain objects (syntax.ts), so nothing after parsing
 * touches wasm memory. Its own module so that the parser (syntax.ts), the
 * slip messages (slips.ts) and the lowering (lower/) share it without an
 * import circle.
 */
import type { Span } from './ast'

export interface SyntaxNode {
  type: string
  named: boolean
  field: string | null
  /** A token tree-sitter inserted to recover (`;`); it has no text. */
  missing: boolean
  /** This node or a descendant is ERROR or MISSING. */
  hasError: boolean
  span: Span
  /** Offsets into the source (UTF-16 units), end exclusive. */
  start: number
  end: number
  /** Text of a token; empty for inner nodes. */
  text: string
  children: SyntaxNode[]
}
