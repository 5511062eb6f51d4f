/*
 * Lab folders for tests: a bundled lab read from disk, or one edited in memory
 * (a file replaced, added or removed), loaded against the bundled resources.
 */
import { loadLabCompiler } from '../../src/node/kernel-policy'
import { readLabFolder } from '../../src/node/lab-folder'
import { labDir, readKernelResources } from '../../src/node/resources'
import { gradePolicy, type Lab, type LabGrade, type LabLoad, loadLab } from '../../src/labs'
import type { LabFolder } from '../../src/shared/bootlab-api'

export const resources = readKernelResources()

export function bundledFolder(id: string): LabFolder {
  const read = readLabFolder(labDir(id))
  if (!read.folder) throw new Error(JSON.stringify(read.errors))
  return read.folder
}

/** A copy of a bundled lab with some files replaced (text) or removed (null). */
export function editedFolder(id: string, changes: Record<string, string | null>): LabFolder {
  const base = bundledFolder(id)
  const kept = base.files.filter((f) => !(f.path in changes)).map((f) => ({ ...f }))
  const added = Object.entries(changes).flatMap(([path, text]) => (text === null ? [] : [{ path, text }]))
  return { id, files: [...kept, ...added] }
}

export function load(folder: LabFolder): LabLoad {
  return loadLab(folder, resources)
}

export function loadBundled(id: string): Lab {
  const loaded = load(bundledFolder(id))
  if (!loaded.lab) throw new Error(JSON.stringify(loaded.errors))
  return loaded.lab
}

export async function grade(lab: Lab, which: 'start' | 'solution'): Promise<LabGrade> {
  return gradePolicy(lab, lab[which], await loadLabCompiler()).grade
}

/** The bundled manifest text of a lab, for edits by string replacement. */
export function manifestOf(id: string): string {
  return bundledFolder(id).files.find((f) => f.path === 'lab.yaml')!.text
}
