/*
 * Seeded variants: the same seed gives the same machines, another seed other
 * machines; every machine is a valid scenario that keeps what is not varied.
 */
import { describe, expect, it } from 'vitest'
import { parseScenario, type Scenario } from '../../src/core'
import { generateVariants, mulberry32, type VariantSpec } from '../../src/labs'
import { resources } from './lab-fixtures'

function bundledScenario(name: string): Scenario {
  const parsed = parseScenario(resources.scenarios.find((s) => s.path === `${name}.yaml`)!.text, name)
  return parsed.scenario!
}

const base = bundledScenario('realm-cpu-online-caller')
const spec = (seed: number): VariantSpec => ({
  base: 'realm-cpu-online-caller',
  seed,
  count: 6,
  ram: [2 * 2 ** 30, 3 * 2 ** 30, 6 * 2 ** 30],
  banks: [1, 2, 3],
  cpus: {
    count: { min: 3, max: 8 },
    boot: [{ model: 'neoverse-v3', revision: 'r0p2' }],
    secondary: [
      { model: 'neoverse-v3', revision: 'r0p2' },
      { model: 'neoverse-n2', revision: 'r0p0' },
    ],
  },
})

const machines = (seed: number) => generateVariants(spec(seed), base, 'lab.yaml').scenarios

describe('mulberry32', () => {
  it('is a fixed sequence for a seed', () => {
    const a = mulberry32(42)
    const b = mulberry32(42)
    const first = Array.from({ length: 5 }, () => a())
    expect(Array.from({ length: 5 }, () => b())).toEqual(first)
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true)
    expect(Array.from({ length: 5 }, mulberry32(43))).not.toEqual(first)
  })
})

describe('generateVariants', () => {
  it('is deterministic: the same seed gives the same machines', () => {
    expect(machines(7)).toEqual(machines(7))
  })

  it('gives other machines for another seed', () => {
    const machineOf = (s: Scenario) => JSON.stringify(s.machine)
    expect(machines(7).map(machineOf)).not.toEqual(machines(8).map(machineOf))
  })

  it('varies RAM size, bank layout and CPU mix across the machines of one seed', () => {
    const ms = machines(7)
    expect(new Set(ms.map((m) => m.machine.ram.reduce((n, r) => n + r.size, 0))).size).toBeGreaterThan(1)
    expect(new Set(ms.map((m) => m.machine.ram.length)).size).toBeGreaterThan(1)
    expect(new Set(ms.map((m) => JSON.stringify(m.machine.cpus))).size).toBeGreaterThan(1)
  })

  it('keeps every machine valid and within the spec', () => {
    const made = generateVariants(spec(7), base, 'lab.yaml')
    expect(made.errors).toEqual([])
    for (const [i, m] of made.scenarios.entries()) {
      expect(m.name).toBe(`realm-cpu-online-caller-seed7-${i + 1}`)
      const total = m.machine.ram.reduce((n, r) => n + r.size, 0)
      expect(spec(7).ram).toContain(total)
      expect(m.machine.ram[0].base).toBe(base.machine.ram[0].base)
      const cpus = m.machine.cpus.reduce((n, c) => n + c.count, 0)
      expect(cpus).toBeGreaterThanOrEqual(3)
      expect(cpus).toBeLessThanOrEqual(8)
      expect(m.machine.cpus[0].model).toBe('neoverse-v3')
      // What is not varied is the base's: the realm, the command line, the CPU-online caller.
      expect([m.realm, m.cmdline, m.extraCallers]).toEqual([base.realm, base.cmdline, base.extraCallers])
    }
  })

  it('places each later bank at a 2 MiB boundary after a hole of at least 1 GiB', () => {
    const pairs = machines(7).flatMap((m) => m.machine.ram.slice(1).map((bank, i) => [m.machine.ram[i], bank]))
    expect(pairs.length).toBeGreaterThan(0)
    for (const [before, bank] of pairs) {
      expect(bank.base % 2 ** 21).toBe(0)
      expect(bank.base).toBeGreaterThanOrEqual(before.base + before.size + 2 ** 30)
    }
  })
})
