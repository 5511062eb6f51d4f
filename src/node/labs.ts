/*
 * Lab folders on disk for the command line, lab:check and tests: the bundled
 * labs/ folder, lab arguments (an id or a path), the bundled kernel resources.
 * Reading one folder safely is lab-folder.ts.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { KernelResources } from '../shared/bootlab-api'
import { STORAGE_KEY_PATTERN } from '../shared/bootlab-api'
import { listPolicies, listScenarios, POLICY_DIR, RESOURCES, SCENARIO_DIR } from './resources'

export { type LabFolderRead, MAX_LAB_BYTES, MAX_LAB_ENTRIES, MAX_LAB_FILE_BYTES, readLabFolder } from './lab-folder'

export const LABS_DIR = join(dirname(RESOURCES), 'labs')

/** A bare id names a folder of labs/; anything with a slash is a path. */
export function labDir(arg: string): string {
  return /[/\\]/.test(arg) ? resolve(arg) : join(LABS_DIR, arg)
}

/** The bundled labs' folders, in name order. */
export function listLabDirs(): string[] {
  return readdirSync(LABS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && STORAGE_KEY_PATTERN.test(e.name))
    .map((e) => join(LABS_DIR, e.name))
    .sort()
}

/** resources/policies and resources/scenarios as the app hands them to the lab loader. */
export function bundledKernelResources(): KernelResources {
  const read = (dir: string, names: string[], ext: string) => names.map((n) => ({ path: `${n}${ext}`, text: readFileSync(join(dir, `${n}${ext}`), 'utf8') }))
  return { policies: read(POLICY_DIR, listPolicies(), '.c'), scenarios: read(SCENARIO_DIR, listScenarios(), '.yaml') }
}
