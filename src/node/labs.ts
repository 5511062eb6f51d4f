/*
 * Lab folders on disk (labs/<id>/, or any folder given by path) read into the
 * LabFolder the lab loader takes, for the command line, lab:check and tests.
 * Reads the text files a lab is made of; refuses what a folder must not do:
 * a symlink leading outside it, a file over 256 KiB.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path'
import type { KernelResources, LabFolder, TextFile } from '../shared/bootlab-api'
import { STORAGE_KEY_PATTERN } from '../shared/bootlab-api'
import type { LabError } from '../labs'
import { listPolicies, listScenarios, POLICY_DIR, RESOURCES, SCENARIO_DIR } from './resources'

export const LABS_DIR = join(dirname(RESOURCES), 'labs')

const LAB_FILE_EXTENSIONS = new Set(['.md', '.c', '.yaml', '.yml', '.json'])
export const MAX_LAB_FILE_BYTES = 256 * 1024
/** Deep enough for `scenarios/extra/x.yaml`; a deeper tree is a mistake, not a lab. */
const MAX_DEPTH = 4

export interface LabFolderRead {
  folder?: LabFolder
  errors: LabError[]
}

const inside = (root: string, path: string) => path === root || path.startsWith(root + sep)

/** The lab files under `dir`, '/'-separated paths relative to the lab root. */
function readTree(root: string, realRoot: string, dir: string, depth: number, id: string, out: TextFile[], errors: LabError[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue
    const full = join(dir, entry.name)
    const rel = relative(root, full).split(sep).join('/')
    const fail = (message: string) => errors.push({ file: `${id}/${rel}`, path: '', message })
    let target = full
    if (lstatSync(full).isSymbolicLink()) {
      try {
        target = realpathSync(full)
      } catch {
        fail('is a broken symlink')
        continue
      }
      if (!inside(realRoot, target)) {
        fail(`is a symlink to ${target}, outside the lab folder; a lab may only use files inside its own folder`)
        continue
      }
    }
    const stat = statSync(target)
    if (stat.isDirectory()) {
      if (depth < MAX_DEPTH) readTree(root, realRoot, full, depth + 1, id, out, errors)
      else fail(`is nested more than ${MAX_DEPTH} folders deep`)
    } else if (stat.isFile() && LAB_FILE_EXTENSIONS.has(extname(entry.name))) {
      if (stat.size > MAX_LAB_FILE_BYTES) fail(`is ${Math.ceil(stat.size / 1024)} KiB; lab files are at most ${MAX_LAB_FILE_BYTES / 1024} KiB`)
      else out.push({ path: rel, text: readFileSync(target, 'utf8') })
    }
  }
}

export function readLabFolder(dir: string): LabFolderRead {
  const root = resolve(dir)
  const id = basename(root)
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) return { errors: [{ file: dir, path: '', message: 'is not a lab folder (no such directory)' }] }
  if (!STORAGE_KEY_PATTERN.test(id)) return { errors: [{ file: dir, path: '', message: `the folder name '${id}' is not a lab id (lower-case letters, digits, . _ -)` }] }
  const files: TextFile[] = []
  const errors: LabError[] = []
  readTree(root, realpathSync(root), root, 0, id, files, errors)
  return errors.length ? { errors } : { folder: { id, files }, errors: [] }
}

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
