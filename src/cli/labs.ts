/*
 * `bootlab labs`: the labs bundled in labs/<id>/, loaded and validated the way
 * `bootlab boot --lab` loads them, so a lab listed without a problem can be graded.
 */
import { basename } from 'node:path'
import { formatLabErrors, type LabLoad } from '../labs'
import { loadLabCached } from '../node/lab-cache'
import { readLabFolder } from '../node/lab-folder'
import { listLabDirs, readKernelResources } from '../node/resources'

export interface LabSummary {
  id: string
  /** The lab's title, or what is wrong with it. */
  title: string
}

/** Every bundled lab in folder order; none when the build has no labs/ folder. */
export function listBundledLabs(): LabSummary[] {
  const resources = readKernelResources()
  return listLabDirs().map((dir) => {
    const read = readLabFolder(dir)
    const loaded: LabLoad = read.folder ? loadLabCached(read.folder, resources) : { errors: read.errors }
    if (loaded.lab) return { id: loaded.lab.id, title: loaded.lab.title }
    return { id: basename(dir), title: `(invalid: ${formatLabErrors(loaded.errors).split('\n')[0]})` }
  })
}
