import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabLibrary, labRootFor, readKernelResources } from '../../src/node/resources'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootlab-files-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true })
  await writeFile(join(dir, path), text)
}

describe('readKernelResources', () => {
  it('reads policies and scenarios sorted by name, nothing else', async () => {
    await put('resources/policies/unpatched.c', 'base')
    await put('resources/policies/patched-v1.c', 'v1')
    await put('resources/policies/notes.md', 'not a policy')
    await put('resources/policies/.swap.c', 'editor junk')
    await put('resources/scenarios/realm.yaml', 'name: realm')
    expect(readKernelResources(join(dir, 'resources'))).toEqual({
      policies: [
        { path: 'patched-v1.c', text: 'v1' },
        { path: 'unpatched.c', text: 'base' },
      ],
      scenarios: [{ path: 'realm.yaml', text: 'name: realm' }],
    })
  })

  it('gives empty lists when the folders do not exist', async () => {
    expect(readKernelResources(join(dir, 'missing'))).toEqual({ policies: [], scenarios: [] })
  })
})

describe('LabLibrary', () => {
  it('lists lab folders from every root; an earlier root wins an id clash', async () => {
    await put('bundled/01-linear-map/lab.yaml', 'bundled')
    await put('bundled/02-realm/lab.yaml', 'bundled')
    await put('opened/02-realm/lab.yaml', 'opened')
    await put('opened/03-mine/lab.yaml', 'opened')
    await put('opened/Not A Lab/lab.yaml', 'bad name')
    const library = new LabLibrary([
      { dir: join(dir, 'bundled'), origin: 'bundled' },
      { dir: join(dir, 'opened'), origin: 'opened' },
    ])
    expect(await library.list()).toEqual([
      { id: '01-linear-map', origin: 'bundled' },
      { id: '02-realm', origin: 'bundled' },
      { id: '03-mine', origin: 'opened' },
    ])
    expect((await library.load('02-realm')).files).toEqual([{ path: 'lab.yaml', text: 'bundled' }])
  })

  it('a folder opened from the menu is one lab when it holds a manifest of any of its names, else a folder of labs', async () => {
    for (const manifest of ['lab.yaml', 'lab.yml', 'lab.json']) {
      await put(`one-${manifest}/09-mine/${manifest}`, 'x')
      await put(`one-${manifest}/09-mine/scenarios/realm.yaml`, 'name: realm')
      expect(labRootFor(join(dir, `one-${manifest}/09-mine`)), manifest).toBe(join(dir, `one-${manifest}`))
    }
    await put('many/09-mine/lab.yaml', 'x')
    expect(labRootFor(join(dir, 'many'))).toBe(join(dir, 'many'))
  })

  it('loads the text files of a lab, nested ones too, skipping other kinds and dotfiles', async () => {
    await put('labs/01/lab.yaml', 'manifest')
    await put('labs/01/README.md', '# Lab')
    await put('labs/01/policies/start.c', 'int x;')
    await put('labs/01/image.png', 'binary')
    await put('labs/01/.secret.md', 'hidden')
    const library = new LabLibrary([{ dir: join(dir, 'labs'), origin: 'bundled' }])
    expect(await library.load('01')).toEqual({
      id: '01',
      files: [
        { path: 'lab.yaml', text: 'manifest' },
        { path: 'policies/start.c', text: 'int x;' },
        { path: 'README.md', text: '# Lab' },
      ],
    })
  })

  it('refuses a lab with a symlink leading outside it, naming the file, as the command line does', async () => {
    await put('labs/01/lab.yaml', 'manifest')
    await put('outside.md', 'outside the lab')
    await symlink(join(dir, 'outside.md'), join(dir, 'labs/01/link.md'))
    const library = new LabLibrary([{ dir: join(dir, 'labs'), origin: 'opened' }])
    await expect(library.load('01')).rejects.toThrow(/^lab '01' cannot be opened:\n01\/link\.md: is a symlink to .*outside\.md, outside the lab folder/)
  })

  it('refuses a lab with a file over 256 KiB instead of silently leaving it out', async () => {
    await put('labs/01/lab.yaml', 'manifest')
    await put('labs/01/README.md', 'x'.repeat(256 * 1024 + 1))
    const library = new LabLibrary([{ dir: join(dir, 'labs'), origin: 'opened' }])
    await expect(library.load('01')).rejects.toThrow('01/README.md: is 257 KiB; lab files are at most 256 KiB')
  })

  it('rejects ids that are not folder names and ids it does not have', async () => {
    const library = new LabLibrary([{ dir: join(dir, 'labs'), origin: 'bundled' }])
    await expect(library.load('../etc')).rejects.toThrow('invalid lab id')
    await expect(library.load('missing')).rejects.toThrow("no lab 'missing'")
  })
})
