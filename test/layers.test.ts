/*
 * The one-way layering of src/ (docs/architecture.md): the core is pure; the
 * renderer reaches files only through window.bootlab; preload and main share
 * nothing with the renderer but the contract in src/shared.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '../src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|vue|mts)$/.test(e.name) ? [join(dir, e.name)] : [],
  )
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((m) => m[1])
  return found.map((spec) => (spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)) : spec))
}

/** Imports of `layer` that match any forbidden pattern, as `file → import`. */
function violations(layer: string, forbidden: RegExp[]): string[] {
  return sourceFiles(join(SRC, layer)).flatMap((file) =>
    importsOf(file)
      .filter((spec) => forbidden.some((pattern) => pattern.test(spec)))
      .map((spec) => `${relative(SRC, file)} → ${spec}`),
  )
}

const NODE_BUILTIN = /^node:/
const APP_LAYERS = (...layers: string[]) => layers.map((l) => new RegExp(`^${l}(/|$)`))

describe('layers', () => {
  it('src/core is pure: no DOM framework, Node, Electron, or other src layer', () => {
    expect(
      violations('core', [NODE_BUILTIN, /^(electron|vue|pinia|monaco-editor)(\/|$)/, ...APP_LAYERS('main', 'preload', 'renderer', 'node', 'cli', '\\.\\.')]),
    ).toEqual([])
  })

  it('src/report (timeline, memory map, compare, lab reports) is pure like the core: it runs in the renderer and in Node', () => {
    expect(violations('report', [NODE_BUILTIN, /^(electron|vue|pinia|monaco-editor)(\/|$)/, ...APP_LAYERS('main', 'preload', 'renderer', 'node', 'cli')])).toEqual([])
    const domGlobals = sourceFiles(join(SRC, 'report')).filter((file) => /\b(document|window|navigator)\./.test(readFileSync(file, 'utf8')))
    expect(domGlobals.map((file) => relative(SRC, file))).toEqual([])
  })

  it('src/shared (the preload API contract) imports nothing from the app', () => {
    expect(violations('shared', [NODE_BUILTIN, /^electron/, ...APP_LAYERS('main', 'preload', 'renderer', 'node', 'cli', 'core')])).toEqual([])
  })

  it('src/renderer reaches Node and Electron only through window.bootlab', () => {
    expect(violations('renderer', [NODE_BUILTIN, /^electron/, ...APP_LAYERS('main', 'preload', 'node', 'cli')])).toEqual([])
  })

  it('src/preload uses only Electron and the shared contract', () => {
    expect(violations('preload', [NODE_BUILTIN, ...APP_LAYERS('main', 'renderer', 'node', 'cli', 'core')])).toEqual([])
  })

  it('src/main never imports the renderer or preload', () => {
    expect(violations('main', APP_LAYERS('renderer', 'preload'))).toEqual([])
  })
})
