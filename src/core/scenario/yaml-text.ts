/*
 * Reading a YAML file's text (a scenario, a lab manifest; JSON is valid YAML, so
 * .json files read the same way) kept as a document, so a problem found later in
 * a field, by a schema, can be pointed at its line and column.
 */
import { type Document, isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml'

/** 1-based, as editors and compilers print them. */
export interface TextPosition {
  line: number
  column: number
}

export interface YamlText {
  data?: unknown
  syntaxError?: { message: string; line?: number; column?: number }
  /** Where a field path's value is (an unknown key: the key), else its nearest existing parent. */
  positionOf(path: readonly PropertyKey[], unknownKey?: string): TextPosition | undefined
}

/** A dotted field path as a schema names it (`machine.cpus.1.model`) as the document's keys and indices. */
export const fieldPath = (dotted: string): PropertyKey[] => (dotted ? dotted.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)) : [])

export function readYamlText(text: string): YamlText {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines })
  const at = (offset: number): TextPosition => {
    const { line, col } = lines.linePos(offset)
    return { line, column: col }
  }
  const positionOf = (path: readonly PropertyKey[], unknownKey?: string) => {
    const offset = nodeOffset(doc, path, unknownKey)
    return offset === undefined ? undefined : at(offset)
  }
  const first = doc.errors[0]
  // The yaml library ends its first line with " at line L, column C:" before a snippet: the position is given apart.
  if (first) {
    const pos = first.linePos?.[0]
    return { syntaxError: { message: first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), line: pos?.line, column: pos?.col }, positionOf }
  }
  try {
    return { data: doc.toJS(), positionOf }
  } catch (e) {
    // toJS() refuses to expand an alias bomb (the yaml package's maxAliasCount): a bad file, not a crash.
    return { syntaxError: { message: (e as Error).message }, positionOf }
  }
}

/** The text offset of the field, or of its nearest existing parent. */
function nodeOffset(doc: Document, path: readonly PropertyKey[], unknownKey: string | undefined): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true)
    if (n === path.length && unknownKey !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === unknownKey)
      const start = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0]
      if (start !== undefined) return start
    }
    const range = (node as { range?: [number, number, number] } | undefined)?.range
    if (range) return range[0]
  }
  return undefined
}
