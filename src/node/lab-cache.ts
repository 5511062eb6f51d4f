/*
 * A lab folder loaded by the command line: src/labs loadLab() parses the manifest (YAML), checks it
 * against the schema, reads its scenarios and makes its seeded machines, about 45 ms in a cold
 * process, before a single submission is graded. A lab that loads without errors is kept on disk
 * (compile-cache.ts), keyed by every file of the folder and every bundled kernel state and
 * scenario it may name, so `bootlab boot --lab` and the class grader read it back. A lab with
 * errors is loaded each time (its errors name files and lines the instructor is fixing).
 */
import type { KernelResources, LabFolder } from '../shared/bootlab-api'
import { type Lab, loadLab, type LabLoad } from '../labs'
import { cacheKey, readCached, writeCached } from './compile-cache'

const isLab = (value: unknown): value is Lab => {
  const v = value as Lab | null
  return !!v && typeof v.id === 'string' && Array.isArray(v.scenarios) && Array.isArray(v.goals)
}

/** `folder` loaded as src/labs does it, read back from the disk cache when it is there. */
export function loadLabCached(folder: LabFolder, resources: KernelResources): LabLoad {
  const key = cacheKey('lab', [
    { file: 'id', text: folder.id },
    ...folder.files.map((f) => ({ file: `lab/${f.path}`, text: f.text })),
    ...resources.policies.map((f) => ({ file: `policies/${f.path}`, text: f.text })),
    ...resources.scenarios.map((f) => ({ file: `scenarios/${f.path}`, text: f.text })),
  ])
  const cached = key ? readCached(key, isLab) : null
  if (cached) return { lab: cached, errors: [] }
  const loaded = loadLab(folder, resources)
  if (key && loaded.lab) writeCached(key, loaded.lab)
  return loaded
}
