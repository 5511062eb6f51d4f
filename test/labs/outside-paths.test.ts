/*
 * A lab may only use files inside its own folder: paths that climb out or are
 * absolute are rejected by the loader (the same in Node and in the renderer),
 * and on disk the reader refuses symlinks that lead outside and oversized files.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { labPath } from '../../src/labs/lab-paths'
import { MAX_LAB_FILE_BYTES, readLabFolder } from '../../src/node/lab-folder'
import { bundledFolder, editedFolder, load, manifestOf } from './lab-fixtures'

const LAB = '10-rodata-off-hole'
const LISTED = 'scenarios/realm-rodata-off-mixed.yaml'

function withScenarioRef(ref: string) {
  const text = manifestOf(LAB).replace(LISTED, ref)
  return load(editedFolder(LAB, { 'lab.yaml': text }))
}

describe('paths in a manifest', () => {
  it.each([
    ['../09-v1-vs-merged/lab.yaml', 'points outside the lab folder'],
    ['scenarios/../../../resources/scenarios/realm.yaml', 'points outside the lab folder'],
    ['/etc/bootlab/realm.yaml', 'is an absolute path'],
    ['C:\\labs\\realm.yaml', 'is an absolute path'],
  ])('%s is rejected', (ref, why) => {
    const loaded = withScenarioRef(ref)
    expect(loaded.lab).toBeUndefined()
    expect(loaded.errors).toHaveLength(1)
    const line = manifestOf(LAB).split('\n').findIndex((l) => l.startsWith('scenarios:')) + 1
    expect(loaded.errors[0]).toMatchObject({ file: `${LAB}/lab.yaml`, path: 'scenarios.1', line })
    expect(loaded.errors[0].message).toContain(why)
    expect(loaded.errors[0].message).toContain('a lab may only use files inside its own folder')
  })

  it('a compareWith outside the folder is rejected too', () => {
    const text = manifestOf('07-memblock-split').replace('compareWith: series', 'compareWith: ../../resources/policies/series.c')
    const loaded = load(editedFolder('07-memblock-split', { 'lab.yaml': text }))
    expect(loaded.errors.map((e) => [e.path, e.message.includes('outside the lab folder')])).toEqual([['compareWith', true]])
  })

  it('a path that wanders but stays inside is the same file', () => {
    expect(labPath('./scenarios/../scenarios//realm-rodata-off-mixed.yaml')).toEqual({ path: LISTED })
    expect(withScenarioRef('./scenarios/../scenarios//realm-rodata-off-mixed.yaml').lab).toBeDefined()
  })
})

describe('lab folders on disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'bootlab-labs-'))

  /** A copy of a bundled lab under a temporary root, plus `extra` applied to it. */
  function copyLab(id: string, extra: (dir: string) => void): string {
    const dir = join(root, id)
    for (const f of bundledFolder(id).files) {
      mkdirSync(join(dir, f.path, '..'), { recursive: true })
      writeFileSync(join(dir, f.path), f.text)
    }
    extra(dir)
    return dir
  }

  it('reads a copied lab as the bundled one', () => {
    const dir = copyLab('05-move-swiotlb', () => {})
    expect(readLabFolder(dir).folder).toEqual(bundledFolder('05-move-swiotlb'))
  })

  it('refuses a symlink that leads outside the lab folder', () => {
    writeFileSync(join(root, 'secret.yaml'), 'name: secret\n')
    const dir = copyLab('10-rodata-off-hole', (d) => symlinkSync(join(root, 'secret.yaml'), join(d, 'scenarios', 'leak.yaml')))
    const read = readLabFolder(dir)
    expect(read.folder).toBeUndefined()
    expect(read.errors).toHaveLength(1)
    expect(read.errors[0].file).toBe('10-rodata-off-hole/scenarios/leak.yaml')
    expect(read.errors[0].message).toContain('outside the lab folder')
  })

  it('follows a symlink that stays inside', () => {
    const dir = copyLab('04-blackout-windows', (d) => symlinkSync(join(d, 'start.c'), join(d, 'mine.c')))
    const read = readLabFolder(dir)
    expect(read.errors).toEqual([])
    expect(read.folder!.files.find((f) => f.path === 'mine.c')?.text).toContain('Lab 4')
  })

  it('refuses a file over 256 KiB', () => {
    const dir = copyLab('01-linear-map-tour', (d) => writeFileSync(join(d, 'notes.md'), 'x'.repeat(MAX_LAB_FILE_BYTES + 1)))
    const read = readLabFolder(dir)
    expect(read.errors.map((e) => e.file)).toEqual(['01-linear-map-tour/notes.md'])
    expect(read.errors[0].message).toContain('at most 256 KiB')
  })

  it('says so when the folder does not exist', () => {
    expect(readLabFolder(join(root, 'no-such-lab')).errors[0].message).toContain('no such directory')
  })
})
