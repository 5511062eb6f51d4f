/*
 * The tree-sitter C grammar for Node hosts (command line, tests, Electron main):
 * web-tree-sitter finds its own runtime wasm next to the module; the grammar is
 * tree-sitter-c's own wasm (toolchain notes §4). Loaded once per process, and only when
 * something is compiled: a command-line boot whose kernel states are all in the compiled-state
 * cache never loads the 150 KB runtime module.
 */
import { createRequire } from 'node:module'
import type { Parser } from 'web-tree-sitter'

let parser: Promise<Parser> | null = null

export function loadCParser(): Promise<Parser> {
  parser ??= (async () => {
    const require = createRequire(import.meta.url)
    const { Language, Parser } = await import('web-tree-sitter')
    await Parser.init()
    const c = await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'))
    const p = new Parser()
    p.setLanguage(c)
    return p
  })()
  return parser
}
