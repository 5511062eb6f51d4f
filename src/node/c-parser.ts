/*
 * The tree-sitter C grammar for Node hosts (command line, tests, Electron main):
 * web-tree-sitter finds its own runtime wasm next to the module; the grammar is
 * tree-sitter-c's own wasm (toolchain notes §4). Loaded once per process.
 */
import { createRequire } from 'node:module'
import { Language, Parser } from 'web-tree-sitter'

let parser: Promise<Parser> | null = null

export function loadCParser(): Promise<Parser> {
  parser ??= (async () => {
    const require = createRequire(import.meta.url)
    await Parser.init()
    const c = await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'))
    const p = new Parser()
    p.setLanguage(c)
    return p
  })()
  return parser
}
