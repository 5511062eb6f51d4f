/*
 * BootOptions.pictures: a boot keeps a memory-map picture after each step that changes
 * the map (the timeline scrubs through them), or, for grading, only the end of boot's, or
 * none. The last picture is the same either way, and nothing else in the result changes.
 */
import { describe, expect, it } from 'vitest'
import { boot, type BootResult, parseScenario } from '../../../src/core'
import { loadKernelPolicy } from '../../../src/node/kernel-policy'
import { readNamed } from '../../../src/node/resources'

async function both(scenario: string, policy: string): Promise<[BootResult, BootResult]> {
  const named = readNamed(scenario, 'scenario')
  const s = parseScenario(named.text, named.file).scenario!
  const p = await loadKernelPolicy(readNamed(policy, 'policy'))
  return [boot(s, p), boot(s, p, { pictures: 'end of boot' })]
}

/** The result without its pictures and the events that point at them. */
const withoutPictures = (r: BootResult) => ({ ...r, snapshots: [], events: r.events.filter((e) => e.kind !== 'snapshot') })

describe('pictures of the linear map', () => {
  for (const [scenario, policy] of [['realm', 'series'], ['realm', 'unpatched'], ['host-1t', 'series']] as const) {
    it(`${scenario} × ${policy}: only the end of boot's picture, the same as the full boot's last`, async () => {
      const [full, last] = await both(scenario, policy)
      expect(full.snapshots.length).toBeGreaterThan(1)
      expect(last.snapshots.map((s) => s.label)).toEqual(['end of boot'])
      expect(last.snapshots[0]).toEqual(full.snapshots[full.snapshots.length - 1])
      const fullPictures = full.events.filter((e) => e.kind === 'snapshot')
      expect(last.events.filter((e) => e.kind === 'snapshot')).toEqual([{ ...fullPictures[fullPictures.length - 1], snapshot: 0 }])
      expect(withoutPictures(last)).toEqual(withoutPictures(full))
    })
  }

  it('realm × series with no pictures at all: none, and nothing else changes', async () => {
    const named = readNamed('realm', 'scenario')
    const s = parseScenario(named.text, named.file).scenario!
    const p = await loadKernelPolicy(readNamed('series', 'policy'))
    const none = boot(s, p, { pictures: 'none' })
    expect(none.snapshots).toEqual([])
    expect(none.events.filter((e) => e.kind === 'snapshot')).toEqual([])
    expect(none).toEqual(withoutPictures(boot(s, p)))
  })
})
