import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario, validateScenario } from '../../src/core'
import { cpuNumbers, formOf, scenarioOf, sizeText } from '../../src/renderer/scenario-form'

const SCENARIOS = join(import.meta.dirname, '../../resources/scenarios')
const bundled = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml'))

describe('scenario form', () => {
  it.each(bundled)('%s: the untouched form validates to the same scenario', (file) => {
    const parsed = parseScenario(readFileSync(join(SCENARIOS, file), 'utf8'), file)
    expect(parsed.errors).toEqual([])
    const again = validateScenario(scenarioOf(formOf(parsed.scenario!), parsed.scenario!), file)
    expect(again.errors).toEqual([])
    expect(again.scenario).toEqual(parsed.scenario)
  })

  it('writes sizes as a scenario file would', () => {
    expect(sizeText(4 * 2 ** 30)).toBe('4G')
    expect(sizeText(2 ** 40)).toBe('1T')
    expect(sizeText(96 * 1024)).toBe('96K')
    expect(sizeText(64 * 2 ** 20)).toBe('64M')
    expect(sizeText(1000)).toBe('0x3e8')
  })

  it('an edit comes back with the error at its field', () => {
    const parsed = parseScenario(readFileSync(join(SCENARIOS, 'realm-mixed.yaml'), 'utf8'), 'realm-mixed.yaml')
    const form = formOf(parsed.scenario!)
    form.cpus[1].revision = 'r0'
    form.ram[0].size = 'lots'
    form.extraCallers.push({ name: 'x', at: 'cpu_online', cpu: 2, size: '4K', hypothetical: true })
    const check = validateScenario(scenarioOf(form, parsed.scenario!), 'realm-mixed.yaml')
    expect(check.errors.map((e) => e.path).sort()).toEqual(['machine.cpus.1.revision', 'machine.ram.0.size'])
    form.cpus[1].revision = 'r0p1'
    form.ram[0].size = '2G'
    const fixed = validateScenario(scenarioOf(form, parsed.scenario!), 'realm-mixed.yaml').scenario!
    expect(fixed.machine.ram[0].size).toBe(2 ** 31)
    expect(fixed.extraCallers[0]).toMatchObject({ at: 'cpu_online', cpu: 2, size: 4096 })
  })

  it('numbers the CPUs row by row from the boot CPU', () => {
    expect(cpuNumbers([{ count: 2 }, { count: 1 }, { count: 3 }])).toEqual([
      { first: 0, last: 1 },
      { first: 2, last: 2 },
      { first: 3, last: 5 },
    ])
  })
})
