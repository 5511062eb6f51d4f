/*
 * src/labs runs in the renderer and its worker as well as in Node: like the
 * core it may import only the core, the shared contract and pure packages.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const LABS = join(import.meta.dirname, '../../src/labs')
const ALLOWED = [/^\.\/[a-z-]+$/, /^\.\.\/core$/, /^\.\.\/shared\/bootlab-api$/, /^zod$/, /^yaml$/]

describe('src/labs', () => {
  it('imports nothing from Node, Electron or the app layers', () => {
    const imports = readdirSync(LABS)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(join(LABS, f), 'utf8').matchAll(/\bfrom\s*['"]([^'"]+)['"]/g)].map((m) => `${f} → ${m[1]}`))
    expect(imports.length).toBeGreaterThan(0)
    expect(imports.filter((i) => !ALLOWED.some((a) => a.test(i.split(' → ')[1])))).toEqual([])
  })
})
