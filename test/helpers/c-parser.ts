// Node-side loader of the tree-sitter C grammar for tests: the host's job in the app, done once per worker.
import { createRequire } from 'node:module'
import { Language, Parser } from 'web-tree-sitter'

const require = createRequire(import.meta.url)
let parser: Promise<Parser> | undefined

export function loadCParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init()
    const c = await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'))
    const p = new Parser()
    p.setLanguage(c)
    return p
  })()
  return parser
}
