/*
 * The course as shipped: every bundled lab validates, its reference solution
 * passes every goal on every scenario, and a fix lab's starting policy fails.
 */
import { basename } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listLabDirs } from '../../src/node/resources'
import { grade, loadBundled } from './lab-fixtures'

const ids = listLabDirs().map((d) => basename(d))

describe('the bundled course', () => {
  it('has at least the ten labs of the issue, in order, the first three to explore', () => {
    const labs = ids.map(loadBundled).sort((a, b) => a.order - b.order)
    expect(labs.length).toBeGreaterThanOrEqual(10)
    expect(labs.slice(0, 10).map((l) => l.order)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(labs.slice(0, 10).map((l) => l.kind)).toEqual(['explore', 'explore', 'explore', 'fix', 'fix', 'fix', 'fix', 'fix', 'fix', 'fix'])
    expect(new Set(labs.map((l) => l.id)).size).toBe(labs.length)
  })

  it('uses seeded variant machines in at least two fix labs', () => {
    const withVariants = ids.map(loadBundled).filter((l) => l.kind === 'fix' && l.scenarios.some((s) => s.origin === 'variant'))
    expect(withVariants.length).toBeGreaterThanOrEqual(2)
  })

  describe.each(ids)('%s', (id) => {
    it('validates, with hints, goals and questions', () => {
      const lab = loadBundled(id)
      expect(lab.id).toBe(id)
      expect(lab.hints.length).toBeGreaterThan(0)
      expect(lab.goals.length).toBeGreaterThan(0)
      expect(lab.questions.length).toBeGreaterThan(0)
    })

    it('its reference solution passes every goal', async () => {
      const g = await grade(loadBundled(id), 'solution')
      expect(g.goals.filter((x) => !x.passed).map((x) => `${x.name}: ${x.evidence.join('; ')}`)).toEqual([])
      expect(g.passed).toBe(true)
      expect(g.score).toBe(g.total)
    })

    it("its reference solution comes to the verdict the manifest expects on every machine (booted unless expectedVerdict says otherwise)", async () => {
      const lab = loadBundled(id)
      const g = await grade(lab, 'solution')
      const expected = lab.expectedVerdict?.status ?? ['booted']
      expect(g.boots.filter((b) => !expected.includes(b.status)).map((b) => `${b.scenario}: ${b.status}`)).toEqual([])
    })

    it('its starting policy fails some goal if it is a fix lab', async () => {
      const lab = loadBundled(id)
      const g = await grade(lab, 'start')
      if (lab.kind === 'fix') expect(g.passed).toBe(false)
      else expect(g.passed).toBe(true)
    })
  })
})
