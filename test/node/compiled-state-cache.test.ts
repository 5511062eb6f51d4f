/*
 * The compiled-state cache on disk (src/node/kernel-policy.ts, compile-cache.ts): the base
 * kernel, and a bundled kernel state linked over it, are written once and read back by later
 * processes; what is read boots exactly like what was compiled; a damaged entry is recompiled;
 * a changed file of the chain, or another compiler, is another entry; a learner's own file is
 * never written.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { serialize } from 'node:v8'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { boot, parseScenario, type PolicySource } from '../../src/core'
import { setCompilerIdentity } from '../../src/node/compile-cache'
import { loadBasePolicy, loadKernelPolicy } from '../../src/node/kernel-policy'
import { readNamed } from '../../src/node/resources'
import { useCacheDir } from '../helpers/cache-dir'

const { dir, entries: allEntries } = useCacheDir('compile-cache', { identity: 'compiler-under-test' })
const realm = (() => {
  const s = readNamed('realm', 'scenario')
  return parseScenario(s.text, s.file).scenario!
})()
const bundled = (name: string): PolicySource => {
  const p = readNamed(name, 'policy')
  return { name: p.name, file: `${p.name}.c`, text: p.text }
}
/** The base kernel's entry, written before the first test. */
let baseEntry = ''
/** The kernel states' entries (the base's apart). */
const entries = () => allEntries().filter((f) => f !== baseEntry)
/** What a boot shows, for comparing two compiled forms of one state. */
const bootOf = async (source: PolicySource, lookup?: (n: string) => PolicySource | undefined) => {
  const r = boot(realm, await loadKernelPolicy(source, lookup))
  return JSON.stringify({ v: r.verdict, c: r.console, e: r.events, s: r.counters.policySteps })
}

beforeAll(async () => {
  await loadBasePolicy()
  ;[baseEntry] = allEntries()
})

describe('compiled kernel states on disk', () => {
  it('writes a bundled state once, reads it back, and boots it exactly as compiled', async () => {
    const compiled = await bootOf(bundled('series'))
    expect(entries()).toHaveLength(1)
    const again = await bootOf(bundled('series'))
    expect(entries()).toHaveLength(1)
    expect(again).toBe(compiled)
    // It is really read: an entry holding another state's program boots that state.
    const [entry] = entries()
    const unpatched = await loadKernelPolicy(bundled('unpatched'))
    writeFileSync(join(dir, entry), serialize({ ...unpatched, name: 'series' }))
    expect(await bootOf(bundled('series'))).toBe(await bootOf(bundled('unpatched')))
    rmSync(join(dir, entry))
    expect(await bootOf(bundled('series'))).toBe(compiled)
  })

  it('recompiles over a damaged entry', async () => {
    // The first test left unpatched's entry too: start from series' alone (and the base's).
    for (const e of entries()) rmSync(join(dir, e))
    const good = await bootOf(bundled('series'))
    const [entry] = entries()
    writeFileSync(join(dir, entry), 'not a serialized policy')
    expect(await bootOf(bundled('series'))).toBe(good)
    // ...and writes the good form back.
    expect(readFileSync(join(dir, entry)).subarray(0, 23).toString()).not.toBe('not a serialized policy')
  })

  it('keys entries by every file of the chain and by the compiler', async () => {
    const before = entries().length
    // series builds on patched-v2: a different patched-v2 is a different linked program.
    const changedParent = (name: string) => (name === 'patched-v2' ? { ...bundled('patched-v2'), text: `${bundled('patched-v2').text}\n/* edited */\n` } : bundled(name))
    await bootOf(bundled('series'), changedParent)
    expect(entries()).toHaveLength(before + 1)
    setCompilerIdentity('another-compiler')
    await bootOf(bundled('series'))
    expect(entries()).toHaveLength(before + 2)
    setCompilerIdentity('compiler-under-test')
  })

  it("never writes a learner's own file", async () => {
    const before = entries().length
    const mine = { ...bundled('series'), name: 'my-fix', file: 'my-fix.c', text: `${bundled('series').text}\n/* mine */\n` }
    await bootOf(mine)
    expect(entries()).toHaveLength(before)
  })

  it('keeps the base kernel: a later process reads it and compiles over it as over a fresh compile', async () => {
    expect(baseEntry).toMatch(/\.v8$/)
    /** This module and the cache's as a new process has them (their per-process memory empty). */
    const later = async (identity: string | null) => {
      vi.resetModules()
      const cache = await import('../../src/node/compile-cache')
      cache.setCompilerIdentity(identity)
      return import('../../src/node/kernel-policy')
    }
    const lab5 = readNamed('labs/05-move-swiotlb/solution.c', 'policy')
    const mine = { name: 'mine', file: 'mine.c', text: lab5.text }
    const fresh = await (await later(null)).loadKernelPolicy(mine)
    const overRead = await (await later('compiler-under-test')).loadKernelPolicy(mine)
    const shown = (p: typeof fresh) => {
      const r = boot(realm, p)
      return JSON.stringify({ v: r.verdict, c: r.console, e: r.events, s: r.counters.policySteps })
    }
    expect(shown(overRead)).toBe(shown(fresh))
    // It is really read: what the entry holds is the base a later process gets.
    const marked = { ...(await (await later(null)).loadBasePolicy()), diagnostics: [{ severity: 'warning', code: 'runtime', message: 'read from the cache', file: 'x.c', line: 1, column: 1, endLine: 1, endColumn: 1 }] }
    writeFileSync(join(dir, baseEntry), serialize(marked))
    expect((await (await later('compiler-under-test')).loadBasePolicy()).diagnostics.map((d) => d.message)).toEqual(['read from the cache'])
    writeFileSync(join(dir, baseEntry), 'not a serialized policy')
    expect((await (await later('compiler-under-test')).loadBasePolicy()).diagnostics.map((d) => d.message)).not.toContain('read from the cache')
  })
})
