/*
 * The verdict banner's pointer into the course for a red boot outside a lab (src/labs/guide.ts):
 * derived from the labs' goals and the boot's own faults and WARNs, so a different failure
 * points at a different lab, and one no lab is about points at none.
 */
import { describe, expect, it } from 'vitest'
import type { BootResult } from '../../src/core'
import { guideFor, type Lab } from '../../src/labs'
import { listLabIds } from '../../src/node/resources'
import { bootNamed } from '../helpers/boot'
import { loadBundled } from './lab-fixtures'

const labs: Lab[] = listLabIds().map(loadBundled)
const ids = (g: ReturnType<typeof guideFor>) => ({ explore: g.explore?.id ?? null, fix: g.fix?.id ?? null })

/** The first lab in course order with a goal of `kind` for this evidence and presence: what the guide must find. */
function firstLab(kind: Lab['kind'], r: BootResult, present: boolean): string | null {
  const faults = new Set(r.faults.map((f) => f.kind))
  const warns = new Set(r.splats.filter((s) => s.kind === 'warn').map((s) => s.site.fn))
  const hit = (l: Lab) =>
    l.goals.some((g) => (g.type === 'fault' ? (g.kind === undefined ? faults.size > 0 : faults.has(g.kind)) : g.type === 'warn' ? warns.has(g.site) : false) && (g as { present: boolean }).present === present)
  const onMachine = (l: Lab) => l.scenarios.some((s) => s.name === r.scenarioName || s.family === r.scenarioName)
  return [...labs].sort((a, b) => a.order - b.order).find((l) => l.kind === kind && onMachine(l) && hit(l))?.id ?? null
}

describe('guideFor: which lab explains and which fixes a red boot', () => {
  it('the unpatched realm guest (black-out WARN, devices cannot see the bounce buffers): the realm bug lab and the black-out lab', async () => {
    const r = await bootNamed('realm', 'unpatched')
    expect(r.verdict.status).toBe('failed')
    expect(ids(guideFor(r, labs))).toEqual({ explore: '03-realm-bug', fix: '04-blackout-windows' })
    expect(ids(guideFor(r, labs))).toEqual({ explore: firstLab('explore', r, true), fix: firstLab('fix', r, false) })
  })

  it('patch 1/3 alone (a translation fault at the first bounce) points at the lab about invalid leaves, not the black-out lab', async () => {
    const r = await bootNamed('realm', 'patched-v1')
    expect(r.verdict.status).toBe('failed')
    expect(r.faults.map((f) => f.kind)).toContain('translation-fault')
    const g = guideFor(r, labs)
    expect(g.fix?.id).toBe(firstLab('fix', r, false))
    expect(g.fix?.goals.some((goal) => goal.type === 'fault' && goal.kind === 'translation-fault' && !goal.present)).toBe(true)
    expect(g.fix?.id).toBe('08-invalid-leaves')
    // No explore lab is about translation faults: no "explains it" link rather than a wrong one.
    expect(g.explore).toBe(firstLab('explore', r, true))
  })

  it('a clean boot breaks no lab\'s goals', async () => {
    const r = await bootNamed('realm', 'series')
    expect(r.verdict.status).toBe('booted')
    expect(guideFor(r, labs).fix).toBeNull()
  })
})
