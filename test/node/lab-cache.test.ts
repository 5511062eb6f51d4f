/*
 * The command line's labs on disk (src/node/lab-cache.ts): a lab that loads is written once and
 * read back; what is read is what src/labs loadLab() makes of the folder; an edited file of the
 * folder or of the bundled kernel states is another entry; a lab with errors is never written.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { serialize } from 'node:v8'
import { describe, expect, it } from 'vitest'
import { loadLab } from '../../src/labs'
import { loadLabCached } from '../../src/node/lab-cache'
import { readLabFolder } from '../../src/node/lab-folder'
import { labDir, readKernelResources } from '../../src/node/resources'
import type { LabFolder } from '../../src/shared/bootlab-api'
import { useCacheDir } from '../helpers/cache-dir'

const { dir, entries } = useCacheDir('lab-cache', { emptyEachTest: true })
const folderOf = (id: string): LabFolder => readLabFolder(labDir(id)).folder!
const resources = readKernelResources()
const edit = (folder: LabFolder, path: string, change: (text: string) => string): LabFolder => ({
  ...folder,
  files: folder.files.map((f) => (f.path === path ? { ...f, text: change(f.text) } : f)),
})

describe('labs on disk', () => {
  it('writes a lab once and reads back what loadLab made of it', () => {
    const expected = loadLab(folderOf('05-move-swiotlb'), resources)
    expect(expected.lab?.goals.length).toBeGreaterThan(0)
    expect(loadLabCached(folderOf('05-move-swiotlb'), resources)).toEqual(expected)
    expect(entries()).toHaveLength(1)
    expect(loadLabCached(folderOf('05-move-swiotlb'), resources)).toEqual(expected)
    expect(entries()).toHaveLength(1)
  })

  it('really reads the entry, and loads again over a damaged one', () => {
    loadLabCached(folderOf('05-move-swiotlb'), resources)
    const [entry] = entries()
    const other = loadLab(folderOf('03-realm-bug'), resources).lab!
    writeFileSync(join(dir, entry), serialize(other))
    expect(loadLabCached(folderOf('05-move-swiotlb'), resources).lab?.id).toBe('03-realm-bug')
    writeFileSync(join(dir, entry), 'not a serialized lab')
    expect(loadLabCached(folderOf('05-move-swiotlb'), resources)).toEqual(loadLab(folderOf('05-move-swiotlb'), resources))
  })

  it('keys entries by every file of the folder and of the kernel resources', () => {
    loadLabCached(folderOf('05-move-swiotlb'), resources)
    const retitled = edit(folderOf('05-move-swiotlb'), 'lab.yaml', (t) => t.replace(/^title: .*$/m, 'title: Moved'))
    expect(loadLabCached(retitled, resources).lab?.title).toBe('Moved')
    expect(entries()).toHaveLength(2)
    const realm = resources.scenarios.find((s) => s.path === 'realm.yaml')!
    const moreRam = { ...resources, scenarios: resources.scenarios.map((s) => (s === realm ? { ...s, text: s.text.replace(/size: 4G/, 'size: 6G') } : s)) }
    expect(moreRam.scenarios.find((s) => s.path === 'realm.yaml')!.text).not.toBe(realm.text)
    loadLabCached(folderOf('05-move-swiotlb'), moreRam)
    expect(entries()).toHaveLength(3)
  })

  it('never writes a lab with errors, and reports them as loadLab does', () => {
    const broken = edit(folderOf('05-move-swiotlb'), 'lab.yaml', (t) => t.replace(/^kind: fix$/m, 'kind: maybe'))
    const loaded = loadLabCached(broken, resources)
    expect(loaded.lab).toBeUndefined()
    expect(loaded).toEqual(loadLab(broken, resources))
    expect(entries()).toHaveLength(0)
  })
})
