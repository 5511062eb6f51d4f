/*
 * Reads the files the app ships (resources/policies, resources/scenarios, labs/)
 * and lab folders the learner opens. Plain Node, unit-tested without Electron.
 * A lab folder is read by the same reader as the command line's
 * (src/node/lab-folder.ts): a symlink out of it, an oversized file or a folder
 * too big to be a lab is refused with a message naming the file.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { formatLabErrors } from '../labs/lab'
import { readLabFolder } from '../node/lab-folder'
import type { KernelResources, LabFolder, LabRef, TextFile } from '../shared/bootlab-api'
import { STORAGE_KEY_PATTERN } from '../shared/bootlab-api'

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
      const read = readLabFolder(dir)
      if (!read.folder) throw new Error(`lab '${id}' cannot be opened:\n${formatLabErrors(read.errors)}`)
      return read.folder
    }
    throw new Error(`no lab '${id}'`)
  }
}
