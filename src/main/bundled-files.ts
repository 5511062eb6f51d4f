/*
 * Reads the files the app ships (resources/policies, resources/scenarios, labs/)
 * and lab folders the learner opens. Plain Node, unit-tested without Electron.
 * Only regular text files of known kinds are read; symlinks and dotfiles are
 * skipped so an opened folder cannot point the app at files outside it.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { KernelResources, LabFolder, LabRef, TextFile } from '../shared/bootlab-api'
import { STORAGE_KEY_PATTERN } from '../shared/bootlab-api'

const LAB_FILE_EXTENSIONS = new Set(['.md', '.c', '.yaml', '.yml', '.json'])
const MAX_FILE_BYTES = 512 * 1024
const MAX_LAB_DEPTH = 4

async function listDir(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

/** The regular files directly in `dir` whose names end in `extension`, sorted by name. */
async function readFlat(dir: string, extension: string): Promise<TextFile[]> {
  const entries = (await listDir(dir)).filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.endsWith(extension))
  entries.sort((a, b) => a.name.localeCompare(b.name))
  return Promise.all(entries.map(async (e) => ({ path: e.name, text: await readFile(join(dir, e.name), 'utf8') })))
}

export async function readKernelResources(resourcesDir: string): Promise<KernelResources> {
  const [policies, scenarios] = await Promise.all([
    readFlat(join(resourcesDir, 'policies'), '.c'),
    readFlat(join(resourcesDir, 'scenarios'), '.yaml'),
  ])
  return { policies, scenarios }
}

async function readTree(root: string, prefix: string, depth: number, out: TextFile[]): Promise<void> {
  for (const entry of await listDir(join(root, prefix))) {
    if (entry.name.startsWith('.')) continue
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name
    if (entry.isDirectory() && depth < MAX_LAB_DEPTH) {
      await readTree(root, relative, depth + 1, out)
    } else if (entry.isFile() && LAB_FILE_EXTENSIONS.has(extname(entry.name))) {
      const path = join(root, relative)
      if ((await stat(path)).size > MAX_FILE_BYTES) continue
      out.push({ path: relative, text: await readFile(path, 'utf8') })
    }
  }
}

export interface LabRoot {
  dir: string
  origin: LabRef['origin']
}

/** Labs are the sub-folders of each root; an id found in an earlier root hides the same id in a later one. */
export class LabLibrary {
  constructor(private readonly roots: readonly LabRoot[]) {}

  async list(): Promise<LabRef[]> {
    const seen = new Map<string, LabRef>()
    for (const root of this.roots) {
      for (const entry of await listDir(root.dir)) {
        if (entry.isDirectory() && STORAGE_KEY_PATTERN.test(entry.name) && !seen.has(entry.name)) {
          seen.set(entry.name, { id: entry.name, origin: root.origin })
        }
      }
    }
    return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id))
  }

  async load(id: string): Promise<LabFolder> {
    if (!STORAGE_KEY_PATTERN.test(id)) throw new Error(`invalid lab id '${id}'`)
    for (const root of this.roots) {
      const dir = join(root.dir, id)
      const found = await stat(dir).catch(() => null)
      if (!found?.isDirectory()) continue
      const files: TextFile[] = []
      await readTree(dir, '', 0, files)
      files.sort((a, b) => a.path.localeCompare(b.path))
      return { id, files }
    }
    throw new Error(`no lab '${id}'`)
  }
}
