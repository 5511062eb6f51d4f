import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatScenarioErrors, parseScenario } from '../../../src/core'

const REALM = readFileSync(join(import.meta.dirname, '../../../resources/scenarios/realm.yaml'), 'utf8')

/** The 1-based line and column where `needle` starts in `text` (its `nth` occurrence). */
function at(text: string, needle: string, nth = 1): { line: number; column: number } {
  let i = -1
  for (let n = 0; n < nth; n++) i = text.indexOf(needle, i + 1)
  if (i < 0) throw new Error(`'${needle}' not in the text`)
  const before = text.slice(0, i).split('\n')
  return { line: before.length, column: before[before.length - 1].length + 1 }
}

describe('scenario errors are located', () => {
  it('a field of the wrong type is named at its value, with its line and column', () => {
    const text = 'name: bad\nkernel: 6.18.0\nmachine:\n  ram: lots\n  cpus:\n    - { model: neoverse-v3, revision: r0p2, count: two }\n'
    const { scenario, errors } = parseScenario(text, 'bad.yaml')
    expect(scenario).toBeUndefined()
    expect(errors.map((e) => ({ path: e.path, line: e.line, column: e.column }))).toEqual([
      { path: 'machine.ram', ...at(text, 'lots') },
      { path: 'machine.cpus.0.count', ...at(text, 'two') },
    ])
    expect(formatScenarioErrors(errors).split('\n')[0]).toMatch(/^bad\.yaml:4:8: machine\.ram: /)
  })

  it('a missing field is placed at the map that should hold it', () => {
    const text = REALM.replace(/\n  cpus:.*/, '')
    expect(text).not.toContain('cpus:')
    const { errors } = parseScenario(text, 'realm.yaml')
    expect(errors.map((e) => [e.path, e.line, e.column])).toEqual([['machine.cpus', at(text, 'machine:').line + 1, 3]])
  })

  it('a bundled scenario still parses, and a YAML syntax error keeps its line and column', () => {
    expect(parseScenario(REALM, 'realm.yaml').errors).toEqual([])
    const { errors } = parseScenario('name: x\nmachine: [\n', 'x.yaml')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ path: '', line: 3, column: 1 })
    expect(formatScenarioErrors(errors)).toMatch(/^x\.yaml:3:1: not valid YAML: [^\n]*[^:]$/)
    expect(formatScenarioErrors(errors)).not.toMatch(/at line/)
  })
})
