import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import LZString from 'lz-string'
import { describe, expect, it, vi } from 'vitest'
import { formatRoute, parseRoute, type Route, samePlace } from '../../src/renderer/routes'
import { decodeShare, encodeShare, MAX_SHARE_PAYLOAD } from '../../src/renderer/share-link'

const ROOT = join(import.meta.dirname, '../..')

describe('hash routes', () => {
  it('round-trips every kind of route', () => {
    const routes: Route[] = [
      { kind: 'home' },
      { kind: 'compare' },
      { kind: 'lab', lab: '05-move-swiotlb' },
      { kind: 'lab', lab: '05-move-swiotlb', tab: 'map', step: 20 },
      { kind: 'lab', lab: '05-move-swiotlb', machine: 'realm-seed20260330-2.yaml', tab: 'map', step: 20 },
      { kind: 'kernel', policy: 'unpatched.c', machine: 'realm-mixed.yaml', tab: 'console', step: 0 },
      { kind: 'share', payload: 'N4Ig-abc$' },
      { kind: 'compare', over: { kind: 'lab', lab: '05-move-swiotlb' } },
      { kind: 'compare', over: { kind: 'lab', lab: '05-move-swiotlb' }, machine: 'realm-mixed.yaml', left: { policy: 'start.c', machine: 'realm.yaml' }, right: { policy: 'editor' } },
      { kind: 'compare', over: { kind: 'kernel', policy: 'unpatched.c' }, machine: 'realm.yaml', left: { policy: 'previous' }, right: { policy: 'series.c' } },
      { kind: 'compare', over: { kind: 'share', payload: 'N4Ig-abc$' }, left: { policy: 'start.c' }, right: { policy: 'editor' } },
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
    // A compare link keeps what is sound: a side it cannot name drops both (the view's defaults are a pair).
    expect(parseRoute('#/compare/lab/05-move-swiotlb?left=../x.c&right=editor')).toEqual({ kind: 'compare', over: { kind: 'lab', lab: '05-move-swiotlb' } })
    expect(parseRoute('#/compare/lab/05-move-swiotlb?left=series.c&leftMachine=..%2Fx.yaml&right=editor')).toEqual({
      kind: 'compare',
      over: { kind: 'lab', lab: '05-move-swiotlb' },
      left: { policy: 'series.c' },
      right: { policy: 'editor' },
    })
    expect(parseRoute('#/compare/nowhere/x?left=series.c&right=editor')).toEqual({ kind: 'compare' })
  })

  it('a step change alone replaces the history entry; a lab or tab change makes a new one', () => {
    const a: Route = { kind: 'lab', lab: '05-move-swiotlb', tab: 'map', step: 1 }
    expect(samePlace(a, { ...a, step: 9 })).toBe(true)
    expect(samePlace(a, { ...a, tab: 'console' })).toBe(false)
    expect(samePlace(a, { kind: 'lab', lab: '04-blackout-windows', tab: 'map', step: 1 })).toBe(false)
    const c: Route = { kind: 'compare', over: { kind: 'lab', lab: '05-move-swiotlb' }, left: { policy: 'start.c' }, right: { policy: 'editor' } }
    expect(samePlace(c, { ...c, left: { policy: 'series.c', machine: 'realm-mixed.yaml' } })).toBe(true)
    expect(samePlace(c, { ...c, machine: 'realm-mixed.yaml' })).toBe(false)
    expect(samePlace(c, a)).toBe(false)
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

  it('a link longer than a share link ever is, such as a crafted one that decompresses to gigabytes, is refused before it is decompressed', () => {
    const decompress = vi.spyOn(LZString, 'decompressFromEncodedURIComponent')
    // An lz-string stream in which each code repeats the last entry and extends it (KwKwK): its output grows quadratically.
    const bits: number[] = []
    const put = (v: number, n: number) => {
      for (let i = 0; i < n; i++) bits.push((v >> i) & 1)
    }
    put(0, 2)
    put(0x61, 8)
    let [dictSize, numBits, enlargeIn] = [4, 3, 4]
    for (let i = 0; i < 12_000; i++) {
      put(dictSize, numBits)
      dictSize++
      if (--enlargeIn === 0) [enlargeIn, numBits] = [2 ** numBits, numBits + 1]
    }
    put(2, numBits)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'
    let bomb = ''
    for (let i = 0; i < bits.length; i += 6) bomb += alphabet[bits.slice(i, i + 6).reduce((v, b) => (v << 1) | b, 0) | 0]
    expect(bomb.length).toBeGreaterThan(MAX_SHARE_PAYLOAD)
    expect(decodeShare(bomb)).toEqual({ error: expect.stringMatching(/more than a BootLab share link ever holds/) })
    expect(decompress).not.toHaveBeenCalled()
    // Every bundled kernel state, and one several times the largest, fits in a link.
    const large = { ...shared, policy: { path: 'big.c', text: readFileSync(join(ROOT, 'resources/policies/unpatched.c'), 'utf8').repeat(3) } }
    expect(encodeShare(large).length).toBeLessThan(MAX_SHARE_PAYLOAD)
    expect(decodeShare(encodeShare(large))).toEqual({ shared: large })
    decompress.mockRestore()
  })
})
