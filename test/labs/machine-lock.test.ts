/*
 * A lab may lock its machines: `machine: locked` in the manifest, `editable`
 * when the field is absent; anything else is a manifest error at that field.
 */
import { describe, expect, it } from 'vitest'
import { editedFolder, load, loadBundled, manifestOf } from './lab-fixtures'

const LAB = '05-move-swiotlb'

describe('machine: locked | editable', () => {
  it('defaults to editable', () => {
    expect(loadBundled(LAB).machine).toBe('editable')
  })

  it('reads locked', () => {
    const loaded = load(editedFolder(LAB, { 'lab.yaml': `${manifestOf(LAB)}\nmachine: locked\n` }))
    expect(loaded.lab?.machine).toBe('locked')
  })

  it('refuses any other value, naming the field', () => {
    const loaded = load(editedFolder(LAB, { 'lab.yaml': `${manifestOf(LAB)}\nmachine: frozen\n` }))
    expect(loaded.lab).toBeUndefined()
    expect(loaded.errors.map((e) => e.path)).toContain('machine')
  })
})
