import { describe, expect, it } from 'vitest'
import { formatRoute, parseRoute, type Route, sameExceptStep } from '../../src/renderer/routes'
import { decodeShare, encodeShare } from '../../src/renderer/share-link'

describe('hash routes', () => {
  it('round-trips every kind of route', () => {
    const routes: Route[] = [
      { kind: 'home' },
      { kind: 'compare' },
      { kind: 'lab', lab: '05-move-swiotlb' },
      { kind: 'lab', lab: '05-move-swiotlb', tab: 'map', step: 20 },
      { kind: 'kernel', policy: 'unpatched.c', machine: 'realm-mixed.yaml', tab: 'console', step: 0 },
      { kind: 'share', payload: 'N4Ig-abc$' },
    ]
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route)
    expect(formatRoute({ kind: 'lab', lab: '05-move-swiotlb', tab: 'map', step: 20 })).toBe('#/lab/05-move-swiotlb/map?step=20')
  })

  it('reads anything unknown or malformed as home, never throwing', () => {
    for (const hash of ['', '#', '#/nowhere', '#/lab/', '#/lab/../../etc', '#/lab/%E0%A4%A', '#/kernel/x.sh', '#/lab/01-x/%zz']) {
      expect(parseRoute(hash)).toEqual({ kind: 'home' })
    }
    expect(parseRoute('#/lab/01-linear-map-tour/bogus?step=abc')).toEqual({ kind: 'lab', lab: '01-linear-map-tour' })
    expect(parseRoute('#/kernel/unpatched.c?machine=../../x')).toEqual({ kind: 'kernel', policy: 'unpatched.c' })
  })

  it('a step change alone replaces the history entry; a lab or tab change makes a new one', () => {
    const a: Route = { kind: 'lab', lab: '05-move-swiotlb', tab: 'map', step: 1 }
    expect(sameExceptStep(a, { ...a, step: 9 })).toBe(true)
    expect(sameExceptStep(a, { ...a, tab: 'console' })).toBe(false)
    expect(sameExceptStep(a, { kind: 'lab', lab: '04-blackout-windows', tab: 'map', step: 1 })).toBe(false)
  })
})

describe('share links', () => {
  const shared = { policy: { path: 'start.c', text: 'void __init mem_init(void)\n{\n\tswiotlb_update_mem_attributes(); /* ünïcode */\n}\n' }, scenario: { path: 'realm.yaml', text: 'name: realm\n' } }

  it('hold the policy and the machine, URI-safe, and decode to the same', () => {
    const payload = encodeShare(shared)
    expect(payload).toMatch(/^[A-Za-z0-9+\-$]+$/)
    expect(decodeShare(payload)).toEqual({ shared })
    expect(parseRoute(formatRoute({ kind: 'share', payload }))).toEqual({ kind: 'share', payload })
  })

  it('a link that does not decode gets a reason, never an exception', () => {
    const payload = encodeShare(shared)
    const cut = decodeShare(payload.slice(0, payload.length / 2))
    expect('error' in cut && cut.error).toMatch(/cut short|decompress/)
    expect(decodeShare('')).toEqual({ error: expect.stringMatching(/no policy/) })
    expect(decodeShare('a b<script>')).toEqual({ error: expect.stringMatching(/characters/) })
    const notOurs = decodeShare(encodeShare(shared).replace(/^./, 'Z'))
    expect('error' in notOurs).toBe(true)
  })
})
