/*
 * The one reader of the files BootLab ships (resources/policies, resources/scenarios,
 * labs/) and of lab folders the learner opens, for every Node host: the command line,
 * lab:check and Electron main (src/main/index.ts hands its IPC handlers a LabLibrary and
 * readKernelResources). Web mode cannot read the disk; its page bundles the same files at
 * build time (src/renderer/web-api.ts), and test/renderer/web-api.test.ts keeps the two
 * equal. One lab folder is read safely by lab-folder.ts: a symlink out of it, an oversized
 * file or a folder too big to be a lab is refused with a message naming the file.
 *
 * A name (`series`, `realm`, `05-move-swiotlb`) means a bundled file or lab; anything with
 * a slash (or, for policies and scenarios, an extension) is a path.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatLabErrors, MANIFEST_NAMES } from '../labs/lab'
import type { KernelResources, LabFolder, LabRef, TextFile } from '../shared/bootlab-api'
import { STORAGE_KEY_PATTERN } from '../shared/bootlab-api'
import { readLabFolder } from './lab-folder'

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

export const PACKAGE_ROOT = packageRoot()
export const RESOURCES = join(PACKAGE_ROOT, 'resources')
export const POLICY_DIR = join(RESOURCES, 'policies')
export const SCENARIO_DIR = join(RESOURCES, 'scenarios')
export const LABS_DIR = join(PACKAGE_ROOT, 'labs')
export const BASE_POLICY = 'unpatched'

/** The entries of `dir`; none when it does not exist. */
function entries(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

const byName = (a: string, b: string) => a.localeCompare(b)

/** The regular files directly in `dir` whose names end in `ext` (no dot-files), sorted by file name, without the extension. */
export function listNames(dir: string, ext: string): string[] {
  return entries(dir)
    .filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.endsWith(ext))
    .map((e) => e.name)
    .sort(byName)
    .map((name) => basename(name, ext))
}

export const listPolicies = (): string[] => listNames(POLICY_DIR, '.c')
export const listScenarios = (): string[] => listNames(SCENARIO_DIR, '.yaml')

/** resources/policies and resources/scenarios (of `resourcesDir`) as the lab loader and the app take them. */
export function readKernelResources(resourcesDir = RESOURCES): KernelResources {
  const read = (dir: string, ext: string): TextFile[] => listNames(dir, ext).map((n) => ({ path: `${n}${ext}`, text: readFileSync(join(dir, `${n}${ext}`), 'utf8') }))
  return { policies: read(join(resourcesDir, 'policies'), '.c'), scenarios: read(join(resourcesDir, 'scenarios'), '.yaml') }
}

export interface NamedText {
  name: string
  file: string
  text: string
}

/** A bare name (no folder, no extension) names a bundled file; anything else is a path. */
export const isBundledName = (arg: string): boolean => !(arg.includes('/') || arg.includes('\\') || extname(arg))

export function resolveNamed(arg: string, dir: string, ext: string): string {
  return isBundledName(arg) ? join(dir, `${arg}${ext}`) : resolve(arg)
}

/** A bundled policy or scenario by name, or a file by path; a missing one names the bundled ones. */
export function readNamed(arg: string, kind: 'policy' | 'scenario'): NamedText {
  const [dir, ext] = kind === 'policy' ? [POLICY_DIR, '.c'] : [SCENARIO_DIR, '.yaml']
  const file = resolveNamed(arg, dir, ext)
  if (!existsSync(file)) {
    const known = listNames(dir, ext).join(', ')
    throw new Error(`no ${kind} '${arg}' (looked for ${file}); bundled ${kind === 'policy' ? 'policies' : 'scenarios'}: ${known}`)
  }
  return { name: basename(file, extname(file)), file, text: readFileSync(file, 'utf8') }
}

/** The lab folders directly in `dir` (names that are lab ids), sorted; none when `dir` does not exist. */
export function listLabIds(dir = LABS_DIR): string[] {
  return entries(dir)
    .filter((e) => e.isDirectory() && STORAGE_KEY_PATTERN.test(e.name))
    .map((e) => e.name)
    .sort(byName)
}

/** The bundled labs' folders, in name order. */
export const listLabDirs = (): string[] => listLabIds().map((id) => join(LABS_DIR, id))

/** A bare id names a folder of labs/; anything with a slash, and `.` or `..`, is a path. */
export function labDir(arg: string): string {
  return isLabPath(arg) ? resolve(arg) : join(LABS_DIR, arg)
}

/** Whether a lab argument is a path (`./mine`, `..`, `/x/lab`) rather than the id of a bundled lab. */
export const isLabPath = (arg: string): boolean => /[/\\]/.test(arg) || arg === '.' || arg === '..'

/** A folder that can be seen; anything else (missing, a file, unreadable) is not a lab here. */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/**
 * The folder of labs to read for a folder the learner opened: the folder itself, or, when it is
 * one lab (it holds a manifest, whichever of its names), its parent, as labs/ is read.
 */
export function labRootFor(folder: string): string {
  return MANIFEST_NAMES.some((name) => statSync(join(folder, name), { throwIfNoEntry: false })?.isFile()) ? dirname(folder) : folder
}

export interface LabRoot {
  dir: string
  origin: LabRef['origin']
}

/**
 * Labs are the sub-folders of each root; an id found in an earlier root hides the same id in a
 * later one (an id names a lab's progress and saved policy), and hidden() says which, so the
 * learner who opened the later folder is told rather than left looking for a lab that is not listed.
 */
export class LabLibrary {
  constructor(private readonly roots: readonly LabRoot[]) {}

  /** Every lab folder of every root, in root order: the first of an id is listed, a later one of it hidden. */
  private found(): { id: string; dir: string; origin: LabRef['origin']; hiddenBy?: string }[] {
    const first = new Map<string, string>()
    return this.roots.flatMap((root) =>
      listLabIds(root.dir).map((id) => {
        const dir = join(root.dir, id)
        const by = first.get(id)
        if (by === undefined) first.set(id, dir)
        return { id, dir, origin: root.origin, ...(by !== undefined && { hiddenBy: by }) }
      }),
    )
  }

  async list(): Promise<LabRef[]> {
    return this.found()
      .filter((f) => f.hiddenBy === undefined)
      .map(({ id, origin }) => ({ id, origin }))
      .sort((a, b) => byName(a.id, b.id))
  }

  /** The labs a later root holds that an earlier root's lab of the same id hides, each with the folder it hides behind. */
  hidden(): { id: string; dir: string; hiddenBy: string }[] {
    // The same folder read twice (labs/ opened again) hides nothing.
    return this.found().flatMap(({ id, dir, hiddenBy }) => (hiddenBy !== undefined && hiddenBy !== dir ? [{ id, dir, hiddenBy }] : []))
  }

  async load(id: string): Promise<LabFolder> {
    if (!STORAGE_KEY_PATTERN.test(id)) throw new Error(`invalid lab id '${id}'`)
    for (const root of this.roots) {
      const dir = join(root.dir, id)
      if (!isFolder(dir)) continue
      const read = readLabFolder(dir)
      if (!read.folder) throw new Error(`lab '${id}' cannot be opened:\n${formatLabErrors(read.errors)}`)
      return read.folder
    }
    throw new Error(`no lab '${id}'`)
  }
}

/** What to tell a learner who opened the lab folder `dir` about its labs another folder hides; null when none is hidden. */
export function hiddenLabsNotice(library: LabLibrary, dir: string): { message: string; detail: string } | null {
  const hidden = library.hidden().filter((h) => dirname(h.dir) === dir)
  if (!hidden.length) return null
  const message = hidden.length === 1 ? `The lab ${hidden[0].id} in this folder is not listed` : `${hidden.length} labs in this folder are not listed`
  const lines = hidden.map((h) => `${h.id}: ${h.dir} is hidden by ${h.hiddenBy}`)
  return {
    message,
    detail: `A lab of the same id is already listed, and an id names one lab's saved work and progress.\n\n${lines.join('\n')}\n\nTo open it beside the other, rename its folder and the id in its manifest.`,
  }
}
