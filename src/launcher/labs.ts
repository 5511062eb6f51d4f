/*
 * `bootlab labs`: the labs bundled in labs/<id>/, each named by its manifest's
 * title. Only the manifest is read; grading is the command-line boot's job.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

const MANIFEST_NAMES = ['lab.yaml', 'lab.yml', 'lab.json']

export interface LabSummary {
  id: string
  title: string
}

function manifestTitle(labDir: string): string | undefined {
  for (const name of MANIFEST_NAMES) {
    const file = join(labDir, name)
    if (!existsSync(file)) continue
    let manifest: unknown
    try {
      // YAML is a superset of JSON, so one parser reads either manifest.
      manifest = parse(readFileSync(file, 'utf8'))
    } catch (error) {
      return `(${name} does not parse: ${(error as Error).message.split('\n')[0]})`
    }
    const title = (manifest as { title?: unknown } | null)?.title
    return typeof title === 'string' ? title : `(${name} has no title)`
  }
  return undefined
}

/** Every folder of `labsDir` with a manifest, sorted by id; none when the folder does not exist. */
export function listBundledLabs(labsDir: string): LabSummary[] {
  if (!existsSync(labsDir)) return []
  return readdirSync(labsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .flatMap((entry) => {
      const title = manifestTitle(join(labsDir, entry.name))
      return title === undefined ? [] : [{ id: entry.name, title }]
    })
    .sort((a, b) => a.id.localeCompare(b.id))
}
