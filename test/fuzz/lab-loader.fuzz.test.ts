/*
 * Fuzzing the lab loader with malformed manifests: a real manifest's structure
 * with values replaced, keys dropped or added (prototype names among them),
 * written as YAML or JSON; random text and bytes; random folder contents. The
 * loader must always answer with a lab or a list of errors, each naming a file
 * of the folder, and never throw.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parse, stringify } from 'yaml'
import { formatLabErrors, type LabLoad, loadLab } from '../../src/labs'
import type { LabFolder, TextFile } from '../../src/shared/bootlab-api'
import { bundledFolder, resources } from '../labs/lab-fixtures'
import { fuzzTimeout, runFuzz } from './settings'

const LABS = ['01-linear-map-tour', '07-memblock-split', '10-rodata-off-hole'].map(bundledFolder)
const KEYS = ['id', 'title', 'order', 'kind', 'summary', 'scenarios', 'variants', 'base', 'seed', 'count', 'ram', 'banks', 'cpus', 'min', 'max', 'boot', 'secondary', 'model', 'revision', 'hints', 'goals', 'name', 'type', 'weight', 'message', 'status', 'site', 'present', 'caller', 'outcome', 'window', 'errno', 'counter', 'op', 'value', 'relativeTo', 'kind', 'step', 'questions', 'prompt', 'answer', 'revealAnswers', 'compareWith', '__proto__', 'constructor', 'prototype', 'toString']

/** A JSON-like value: the shapes a manifest is made of, with hostile strings and numbers among them. */
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, Number.MAX_VALUE, '', 'realm', '../../etc/passwd', '/etc/passwd', 'scenarios/x.yaml', 'start.c', '01-linear-map-tour', 'W0', '==', 'verdict', 'counter', '4G', 'r0p0', 'Neoverse-N2'),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
  ),
})).value

type Mutation = { path: number[]; kind: 'replace' | 'delete' | 'add'; key: string; value: unknown }

const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 4 }),
  kind: fc.constantFrom('replace', 'delete', 'add'),
  key: fc.constantFrom(...KEYS),
  value,
})

/** Walk `path` (indices into each level's keys) and change what is there. */
function mutate(root: Record<string, unknown>, m: Mutation): void {
  let node: unknown = root
  for (const step of m.path) {
    if (typeof node !== 'object' || node === null) break
    const keys = Object.keys(node)
    if (!keys.length) break
    const child = (node as Record<string, unknown>)[keys[step % keys.length]]
    if (typeof child !== 'object' || child === null) break
    node = child
  }
  if (typeof node !== 'object' || node === null) return
  const record = node as Record<string, unknown>
  const keys = Object.keys(record)
  const existing = keys.length ? keys[m.path.length % keys.length] : m.key
  if (m.kind === 'delete') delete record[existing]
  // defineProperty, so a '__proto__' key is an own key as a YAML or JSON parser would make it.
  else Object.defineProperty(record, m.kind === 'add' ? m.key : existing, { value: m.value, enumerable: true, writable: true, configurable: true })
}

function withManifest(folder: LabFolder, name: string, text: string): LabFolder {
  return { id: folder.id, files: [...folder.files.filter((f) => !/^lab\.(ya?ml|json)$/.test(f.path)), { path: name, text }] }
}

/** Whatever the folder, loadLab answers; every error names a file of this lab and says something. */
function expectClean(folder: LabFolder): LabLoad {
  const loaded = loadLab(folder, resources)
  if (loaded.lab) {
    expect(loaded.errors).toEqual([])
    return loaded
  }
  expect(loaded.errors.length).toBeGreaterThan(0)
  for (const e of loaded.errors) {
    expect(e.file.startsWith(folder.id) || e.file.startsWith('resources/scenarios/')).toBe(true)
    expect(e.message.length).toBeGreaterThan(0)
    expect(typeof e.path).toBe('string')
    if (e.line !== undefined) expect(e.line).toBeGreaterThanOrEqual(1)
  }
  expect(formatLabErrors(loaded.errors).length).toBeGreaterThan(0)
  return loaded
}

const labIndex = fc.nat({ max: LABS.length - 1 })
const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort()

describe('fuzz: the lab loader', () => {
  it(
    'real manifests with values replaced, keys dropped and keys added, as YAML or JSON',
    () => {
      const before = prototypeKeys()
      runFuzz(
        'mutated manifests',
        fc.property(labIndex, fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (i, mutations, json) => {
          const folder = LABS[i]
          const manifest = parse(folder.files.find((f) => f.path === 'lab.yaml')!.text) as Record<string, unknown>
          for (const m of mutations) mutate(manifest, m)
          const text = json ? JSON.stringify(manifest) : stringify(manifest)
          expectClean(withManifest(folder, json ? 'lab.json' : 'lab.yaml', text))
        }),
        1000,
      )
      expect(prototypeKeys()).toEqual(before)
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
    },
    fuzzTimeout(1000),
  )

  it(
    'manifests, scenarios and READMEs of random text and bytes',
    () => {
      const text = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.string({ unit: fc.constantFrom(...':-[]{}&*!|>\'"#%@`,? \n\tabc01'), maxLength: 300 }),
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
      )
      runFuzz(
        'random manifest text',
        fc.property(labIndex, fc.constantFrom('lab.yaml', 'lab.json', 'scenarios/realm-rodata-off-mixed.yaml', 'README.md'), text, (i, name, t) => {
          const folder = LABS[i]
          const files = name.startsWith('lab.') ? withManifest(folder, name, t).files : [...folder.files.filter((f) => f.path !== name), { path: name, text: t }]
          expectClean({ id: folder.id, files })
        }),
        500,
      )
    },
    fuzzTimeout(500),
  )

  it(
    'folders of random file names and contents',
    () => {
      const file: fc.Arbitrary<TextFile> = fc.record({
        path: fc.oneof(fc.constantFrom('lab.yaml', 'lab.json', 'lab.yml', 'README.md', 'start.c', 'solution.c', 'series.c', '../x.c', '/abs.c', 'a/../../b.yaml', 'scenarios/x.yaml'), fc.string({ maxLength: 12 })),
        text: fc.oneof(fc.constantFrom('', 'int x;', 'id: x', '{}'), fc.string({ maxLength: 60 })),
      })
      runFuzz(
        'random folders',
        fc.property(labIndex, fc.array(file, { maxLength: 8 }), fc.boolean(), (i, extra, keep) => {
          const folder = LABS[i]
          expectClean({ id: folder.id, files: [...(keep ? folder.files : []), ...extra] })
        }),
        300,
      )
    },
    fuzzTimeout(300),
  )
})
