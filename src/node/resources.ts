/*
 * The bundled kernel policies and scenarios on disk (resources/), for Node
 * hosts. A name (`series`, `realm`) means a bundled file; anything with a slash
 * or an extension is a path.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package root: the folder holding resources/ (works from src/ and from a build). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'resources', 'policies'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('cannot find the resources/ folder of BootLab')
    dir = up
  }
  return dir
}

export const RESOURCES = join(packageRoot(), 'resources')
export const POLICY_DIR = join(RESOURCES, 'policies')
export const SCENARIO_DIR = join(RESOURCES, 'scenarios')
export const BASE_POLICY = 'unpatched'

export interface NamedText {
  name: string
  file: string
  text: string
}

export function resolveNamed(arg: string, dir: string, ext: string): string {
  if (arg.includes('/') || arg.includes('\\') || extname(arg)) return resolve(arg)
  return join(dir, `${arg}${ext}`)
}

export function readNamed(arg: string, kind: 'policy' | 'scenario'): NamedText {
  const [dir, ext] = kind === 'policy' ? [POLICY_DIR, '.c'] : [SCENARIO_DIR, '.yaml']
  const file = resolveNamed(arg, dir, ext)
  if (!existsSync(file)) {
    const known = listNames(dir, ext).join(', ')
    throw new Error(`no ${kind} '${arg}' (looked for ${file}); bundled ${kind === 'policy' ? 'policies' : 'scenarios'}: ${known}`)
  }
  return { name: basename(file, extname(file)), file, text: readFileSync(file, 'utf8') }
}

export function listNames(dir: string, ext: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => basename(f, ext))
    .sort()
}

export const listPolicies = (): string[] => listNames(POLICY_DIR, '.c')
export const listScenarios = (): string[] => listNames(SCENARIO_DIR, '.yaml')
