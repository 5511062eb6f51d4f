/*
 * The one-way layering of src/ (docs/architecture.md), enforced by dependency-cruiser's rule set
 * (.dependency-cruiser.cjs) and by the pure layers' own tsconfig.json files (lib ES2022, no DOM
 * or Node types). The tree must pass both; planted violations in a scratch tree must fail them,
 * so neither check can pass by checking nothing.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..')
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc')
const run = promisify(execFile)

interface Violation {
  rule: { name: string }
  from: string
  to: string
}

/** dependency-cruiser's violations for `paths` under `cwd`, with the project's rule set. */
async function cruise(cwd: string, paths: string[]): Promise<Violation[]> {
  const config = join(ROOT, '.dependency-cruiser.cjs')
  const { stdout } = await run(process.execPath, [DEPCRUISE, '--config', config, '--output-type', 'json', ...paths], { cwd, maxBuffer: 64 << 20 }).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
  )
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations
}

const scratch: string[] = []
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

/** A scratch project with the files given (path → text), the project's tsconfig beside them. */
function plant(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bootlab-layers-'))
  scratch.push(dir)
  copyFileSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

describe('the layer rule (dependency-cruiser)', () => {
  it('holds on every root of src/: no upward import, no host reaching another, no circle', async () => {
    const violations = await cruise(ROOT, ['src'])
    expect(violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([])
  }, 60_000)

  it('fails on node built-ins, the report or the labs imported into src/core, and on a circle', async () => {
    const dir = plant({
      'src/core/planted.ts': [
        "import { readFileSync } from 'node:fs'",
        "import { join } from 'path'",
        "import { draw } from '../report/draw'",
        "import { grade } from '../labs/grade'",
        "import { b } from './circle-b'",
        'export const a = [readFileSync, join, draw, grade, b]',
      ].join('\n'),
      'src/core/circle-b.ts': "import type { a } from './planted'\nexport const b: typeof a | 1 = 1\n",
      'src/report/draw.ts': 'export const draw = 1\n',
      'src/labs/grade.ts': 'export const grade = 1\n',
    })
    const found = (await cruise(dir, ['src'])).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
    // dependency-cruiser names `node:fs` by its module, fs.
    // A circle is reported from whichever of its files the cruise meets first.
    const circle = ['no-circular: src/core/planted.ts → src/core/circle-b.ts', 'no-circular: src/core/circle-b.ts → src/core/planted.ts']
    expect(found.filter((f) => circle.includes(f))).toHaveLength(1)
    expect(found.filter((f) => !circle.includes(f)).sort()).toEqual([
      'core-is-pure: src/core/planted.ts → src/labs/grade.ts',
      'core-is-pure: src/core/planted.ts → src/report/draw.ts',
      'pure-no-node-builtins: src/core/planted.ts → fs',
      'pure-no-node-builtins: src/core/planted.ts → path',
    ])
  }, 60_000)

  it('passes the same scratch tree once the planted imports are gone (the rules are not blanket refusals)', async () => {
    const dir = plant({
      'src/core/planted.ts': "import { b } from './b'\nexport const a = b\n",
      'src/core/b.ts': 'export const b = 1\n',
      'src/report/draw.ts': "import { a } from '../core/planted'\nexport const draw = a\n",
    })
    expect(await cruise(dir, ['src'])).toEqual([])
  }, 60_000)
})

describe('the pure layers type-check without DOM or Node (npm run typecheck)', () => {
  async function typecheck(layer: string, text: string): Promise<string> {
    const dir = plant({ 'planted.ts': text })
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(ROOT, `src/${layer}/tsconfig.json`), include: [join(dir, 'planted.ts'), join(ROOT, 'types/pure-hosts.d.ts')] }))
    return run(process.execPath, [TSC, '--noEmit', '-p', join(dir, 'tsconfig.json')]).then(
      () => 'ok',
      (e: { stdout?: string }) => e.stdout ?? 'failed',
    )
  }

  it.each(['core', 'report', 'labs', 'shared'])('src/%s refuses document, process and Buffer', async (layer) => {
    const out = await typecheck(layer, 'export const x = [document.title, process.env, Buffer.from("")]\n')
    expect(out).toMatch(/Cannot find name 'document'/)
    expect(out).toMatch(/Cannot find name 'process'/)
    expect(out).toMatch(/Cannot find name 'Buffer'/)
  }, 60_000)

  it('accepts plain ES2022 and the URL every host provides', async () => {
    expect(await typecheck('core', "export const x = [new Map<string, number>(), new URL('https://a').protocol, 2n ** 64n]\n")).toBe('ok')
  }, 60_000)
})
