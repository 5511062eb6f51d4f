/*
 * A command-line boot loads only what a boot needs (issue 16: one cold boot under 200 ms of
 * CPU, whole process). The built entry's static imports, followed through every chunk, must
 * not reach the modules of the other commands and options: the C parser's runtime (a cached
 * kernel state needs no parsing), the report writers and their diff library, the course
 * commands' Markdown renderer, and the class grader with its worker threads. Each of those
 * is imported when its command or option runs (src/cli/main.ts, src/cli/bootlab.ts).
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI_BUNDLE, ensureCliBuilt } from '../../scripts/cli-build.mjs'

/** Every file the entry loads before it runs: its static `import … from "…"` lines, transitively. */
function staticallyLoaded(entry: string): Map<string, string> {
  const seen = new Map<string, string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    const text = readFileSync(file, 'utf8')
    seen.set(file, text)
    for (const m of text.matchAll(/^import\s[^;]*?from\s+"([^"]+)";?$/gm)) {
      if (m[1].startsWith('.')) visit(join(dirname(file), m[1]))
      else seen.set(m[1], '')
    }
  }
  visit(entry)
  return seen
}

describe('what a command-line boot loads', () => {
  it('the entry reaches the core and the boot command, not the other commands\' modules', () => {
    expect(ensureCliBuilt()).toBe(true)
    const loaded = staticallyLoaded(CLI_BUNDLE)
    const text = [...loaded.values()].join('\n')
    // The boot itself is there.
    expect(text).toContain('function runBoot(')
    expect(text).toContain('function startKernel(')
    // The rest is not.
    expect([...loaded.keys()]).not.toContain('web-tree-sitter')
    expect(text).not.toMatch(/node_modules\/markdown-it\//)
    expect(text).not.toMatch(/node_modules\/diff\//)
    expect(text).not.toContain('new Worker(')
    expect(text).not.toContain('function renderHtml(')
  })
})
