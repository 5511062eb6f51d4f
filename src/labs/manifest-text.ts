/*
 * Reading a manifest's text: YAML (JSON is valid YAML, so lab.json reads the
 * same way) kept as a document, so an error found later in a field can be
 * pointed at its line.
 */
import { type Document, isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml'

export interface ManifestText {
  data?: unknown
  syntaxError?: { message: string; line?: number }
  /** The line of a field path, or of its nearest existing parent. */
  lineOf(path: readonly PropertyKey[], unknownKey?: string): number | undefined
}

export function readManifestText(text: string): ManifestText {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines })
  const lineAt = (offset: number) => lines.linePos(offset).line
  const lineOf = (path: readonly PropertyKey[], unknownKey?: string) => nodeLine(doc, path, unknownKey, lineAt)
  const first = doc.errors[0]
  // The yaml library ends its first line with " at line L, column C:" before a snippet: the line is given apart.
  if (first) return { syntaxError: { message: first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), line: first.linePos?.[0]?.line }, lineOf }
  try {
    return { data: doc.toJS(), lineOf }
  } catch (e) {
    // toJS() refuses to expand an alias bomb (the yaml package's maxAliasCount): a bad manifest, not a crash.
    return { syntaxError: { message: (e as Error).message }, lineOf }
  }
}

function nodeLine(doc: Document, path: readonly PropertyKey[], unknownKey: string | undefined, lineAt: (offset: number) => number): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true)
    if (n === path.length && unknownKey !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === unknownKey)
      const start = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0]
      if (start !== undefined) return lineAt(start)
    }
    const range = (node as { range?: [number, number, number] } | undefined)?.range
    if (range) return lineAt(range[0])
  }
  return undefined
}
