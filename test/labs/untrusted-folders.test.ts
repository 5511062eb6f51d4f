/*
 * Lab folders come from the internet: whatever a folder holds, reading and
 * loading it gives a lab or a list of errors naming the file (and the field),
 * never an exception, a hang, a file from outside the folder, or a polluted
 * prototype. Extends outside-paths.test.ts and manifest-errors.test.ts.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MAX_LAB_BYTES, MAX_LAB_ENTRIES, readLabFolder } from '../../src/node/lab-folder'
import { bundledFolder, editedFolder, load, manifestOf } from './lab-fixtures'

const root = mkdtempSync(join(tmpdir(), 'bootlab-untrusted-'))
let copies = 0

/** A fresh copy of lab 01 under a temporary root, then `extra` applied to its folder. */
function copyLab(extra: (dir: string) => void): string {
  const dir = join(root, `copy-${++copies}`, '01-linear-map-tour')
  for (const f of bundledFolder('01-linear-map-tour').files) {
    mkdirSync(join(dir, f.path, '..'), { recursive: true })
    writeFileSync(join(dir, f.path), f.text)
  }
  extra(dir)
  return dir
}

const messages = (dir: string) => readLabFolder(dir).errors.map((e) => `${e.file}: ${e.message}`)

describe('a lab folder on disk', () => {
  it('refuses a symlinked folder that leads outside, without reading what is behind it', () => {
    mkdirSync(join(root, 'private'), { recursive: true })
    writeFileSync(join(root, 'private', 'key.md'), 'secret')
    const dir = copyLab((d) => symlinkSync(join(root, 'private'), join(d, 'notes')))
    expect(messages(dir)).toEqual([`01-linear-map-tour/notes: is a symlink to ${join(root, 'private')}, outside the lab folder; a lab may only use files inside its own folder`])
  })

  it('refuses a symlink to a system file, whatever its name says', () => {
    const dir = copyLab((d) => symlinkSync('/etc/passwd', join(d, 'hints.md')))
    expect(messages(dir)).toEqual(['01-linear-map-tour/hints.md: is a symlink to /etc/passwd, outside the lab folder; a lab may only use files inside its own folder'])
  })

  it('reports a symlink loop instead of following it', () => {
    const dir = copyLab((d) => {
      symlinkSync(join(d, 'b.md'), join(d, 'a.md'))
      symlinkSync(join(d, 'a.md'), join(d, 'b.md'))
    })
    expect(messages(dir)).toEqual(['01-linear-map-tour/a.md: is a broken symlink (or a symlink loop)', '01-linear-map-tour/b.md: is a broken symlink (or a symlink loop)'])
  })

  it('never opens a FIFO named like a lab file (reading it would block forever)', () => {
    const dir = copyLab((d) => execFileSync('mkfifo', [join(d, 'trap.yaml')]))
    const read = readLabFolder(dir)
    expect(read.errors).toEqual([])
    expect(read.folder!.files.map((f) => f.path)).not.toContain('trap.yaml')
  })

  it('refuses a folder with more entries than a lab has', () => {
    const dir = copyLab((d) => {
      mkdirSync(join(d, 'many'))
      for (let i = 0; i < MAX_LAB_ENTRIES; i++) writeFileSync(join(d, 'many', `${i}.txt`), '')
    })
    expect(messages(dir)).toEqual([`01-linear-map-tour: has more than ${MAX_LAB_ENTRIES} files and folders; a lab is a handful of files`])
  })

  it('refuses a folder whose files together are too big, each one under the per-file limit', () => {
    const dir = copyLab((d) => {
      for (let i = 0; i < 20; i++) writeFileSync(join(d, `notes-${String(i).padStart(2, '0')}.md`), 'x'.repeat(250 * 1024))
    })
    expect(messages(dir)).toEqual([`01-linear-map-tour: has more than ${MAX_LAB_BYTES / 2 ** 20} MiB of lab files; a lab is a handful of small files`])
  })

  it('refuses a tree nested deeper than a lab needs', () => {
    const dir = copyLab((d) => {
      mkdirSync(join(d, 'a/b/c/d/e'), { recursive: true })
      writeFileSync(join(d, 'a/b/c/d/e/deep.md'), 'deep')
    })
    expect(messages(dir)).toEqual(['01-linear-map-tour/a/b/c/d/e: is nested more than 4 folders deep'])
  })

  it('refuses a folder whose name is not a lab id', () => {
    const dir = join(root, 'Bad Name')
    mkdirSync(dir, { recursive: true })
    expect(messages(dir)).toEqual([`${dir}: the folder name 'Bad Name' is not a lab id (lower-case letters, digits, . _ -)`])
  })
})

/** Lab 01 with its manifest replaced by `text`; the errors as `file:line: field: message`. */
function manifestErrors(text: string, name = 'lab.yaml'): string[] {
  const loaded = load(editedFolder('01-linear-map-tour', { 'lab.yaml': null, [name]: text }))
  expect(loaded.lab).toBeUndefined()
  return loaded.errors.map((e) => `${e.file}${e.line ? `:${e.line}` : ''}: ${e.path}: ${e.message}`)
}

describe('a lab manifest', () => {
  const manifest = manifestOf('01-linear-map-tour')

  it.each([
    ['an empty file', ''],
    ['a list', '- id: 01-linear-map-tour\n'],
    ['a number', '42\n'],
    ['a string', 'lab\n'],
  ])('that is %s says it must be a mapping', (_what, text) => {
    const errors = manifestErrors(text)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^01-linear-map-tour\/lab\.yaml(:1)?: : Invalid input: expected object, received/)
  })

  it('rejects unknown fields at every level, naming each', () => {
    const text = manifest
      .replace(/^order: /m, 'colour: blue\norder: ')
      .replace('  - name: ', '  - extra: 1\n    name: ')
    const lineOf = (start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1
    expect(manifestErrors(text).filter((e) => e.endsWith('unknown field')).sort()).toEqual([
      `01-linear-map-tour/lab.yaml:${lineOf('colour:')}: colour: unknown field`,
      `01-linear-map-tour/lab.yaml:${lineOf('  - extra:')}: goals.0.extra: unknown field`,
    ].sort())
  })

  it.each(['__proto__', 'constructor', 'prototype'])('a %s key is an unknown field and pollutes nothing', (key) => {
    const before = Object.getOwnPropertyNames(Object.prototype).sort()
    const errors = manifestErrors(`${key}:\n  polluted: true\n${manifest}`)
    expect(errors).toEqual([`01-linear-map-tour/lab.yaml:1: ${key}: unknown field`])
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before)
  })

  it('the same in lab.json, where "__proto__" is an ordinary JSON key', () => {
    const errors = manifestErrors(`{"__proto__": {"polluted": true}, "id": "01-linear-map-tour"}`, 'lab.json')
    expect(errors).toContain('01-linear-map-tour/lab.json:1: __proto__: unknown field')
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('an alias bomb is refused as a manifest error, not expanded', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n')
    const errors = manifestErrors(bomb)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^01-linear-map-tour\/lab\.yaml(:\d+)?: : not valid YAML\/JSON: .*alias/i)
  })
})
