/*
 * The store under hostile timing and hostile disks (issue 11, items 7 and 11).
 * Overlapping saves (item 7): an autosave of a large text still being
 * written when a newer, smaller one starts must not land after it. The store
 * writes one target at a time in the order the saves were issued, dropping a
 * queued save a newer one replaced; 40 rounds each for a policy and progress.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UserStore } from '../../src/node/user-store'
import { STALE_TEMPORARY_MS, sweepTemporaries } from '../../src/node/atomic-write'
import { type Progress, progressNotice } from '../../src/shared/bootlab-api'

const ROUNDS = 40

async function rounds(save: (store: UserStore, older: boolean) => Promise<void>, read: (store: UserStore) => Promise<unknown>, newer: unknown): Promise<number> {
  let newerWins = 0
  for (let i = 0; i < ROUNDS; i++) {
    const dir = await mkdtemp(join(tmpdir(), 'bootlab-overlap-'))
    const store = new UserStore(dir)
    // The older save is issued first and not awaited, as the renderer's autosave does; the newer one
    // follows at once (the older is still queued) or up to 7 ms later (the older is being written).
    const first = save(store, true)
    if (i % 8) await new Promise((resolve) => setTimeout(resolve, i % 8))
    const saves = [first, save(store, false)]
    await Promise.all(saves)
    await store.settled()
    if (JSON.stringify(await read(store)) === JSON.stringify(newer)) newerWins++
    expect((await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.tmp'))).toEqual([])
    await rm(dir, { recursive: true, force: true })
  }
  return newerWins
}

describe('overlapping saves land in the order they were issued', () => {
  it(`a policy: the newer, smaller text wins ${ROUNDS} of ${ROUNDS} rounds`, async () => {
    const older = `/* older */\n${'x'.repeat(8 * 2 ** 20)}\n`
    const newer = '/* newer */\n'
    const wins = await rounds((s, o) => s.savePolicy('lab-1', o ? older : newer), (s) => s.loadPolicy('lab-1'), newer)
    console.log(`policy overlap: newer text won ${wins}/${ROUNDS}`)
    expect(wins).toBe(ROUNDS)
  }, 120_000)

  it(`progress: the newer, smaller record wins ${ROUNDS} of ${ROUNDS} rounds`, async () => {
    const labs = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`lab-${i}`, 'in-progress' as const]))
    const older: Progress = { labs }
    const newer: Progress = { labs: { 'lab-1': 'passed' } }
    const wins = await rounds((s, o) => s.saveProgress(o ? older : newer), (s) => s.loadProgress(), newer)
    console.log(`progress overlap: newer record won ${wins}/${ROUNDS}`)
    expect(wins).toBe(ROUNDS)
  }, 120_000)

  it('three saves in a row: the middle one, replaced before it started, is never written; every promise resolves', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bootlab-overlap-'))
    const store = new UserStore(dir)
    await Promise.all([store.savePolicy('lab-1', 'x'.repeat(2 ** 20)), store.savePolicy('lab-1', 'middle'), store.savePolicy('lab-1', 'last')])
    expect(await readFile(join(dir, 'policies', 'lab-1.c'), 'utf8')).toBe('last')
    expect(store.writing).toBe(false)
    await rm(dir, { recursive: true, force: true })
  })
})

describe('progress that cannot be read or moved aside (issue 11, item 11)', () => {
  it('a folder named progress.json is moved aside and the learner starts afresh with a notice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bootlab-progress-'))
    await mkdir(join(dir, 'progress.json'))
    const loaded = await new UserStore(dir).loadProgress()
    expect(loaded.labs).toEqual({})
    expect(loaded.notice).toBe(progressNotice('it could not be read (EISDIR)', 'progress.json.corrupt-1'))
    expect((await stat(join(dir, 'progress.json.corrupt-1'))).isDirectory()).toBe(true)
    await rm(dir, { recursive: true, force: true })
  })

  it.each([
    ['corrupt JSON', async (p: string) => writeFile(p, '{not json'), /^it is not valid JSON/],
    ['a folder', async (p: string) => mkdir(p), /^it could not be read \(EISDIR\)$/],
  ])('%s that cannot be moved aside (rename fails: EROFS injected) still gives a fresh start and a notice', async (_what, make, problem) => {
    const dir = await mkdtemp(join(tmpdir(), 'bootlab-progress-'))
    await make(join(dir, 'progress.json'))
    const readOnly = { rename: async () => Promise.reject(Object.assign(new Error('read-only file system'), { code: 'EROFS' })) }
    const loaded = await new UserStore(dir, readOnly).loadProgress()
    expect(loaded.labs).toEqual({})
    const [, why] = /^Your saved lab progress could not be read: (.*)\. It could not be moved aside either \(EROFS\), so progress starts afresh/.exec(loaded.notice!)!
    expect(why).toMatch(problem)
    await rm(dir, { recursive: true, force: true })
  })
})

describe('temporary files a killed writer left are swept at start (issue 11, item 11)', () => {
  it('stale writer temporaries go; fresh ones, other dot files and the saved files stay', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bootlab-sweep-'))
    await mkdir(join(dir, 'policies'))
    const old = new Date(Date.now() - 2 * STALE_TEMPORARY_MS)
    const files: [string, boolean][] = [
      ['.progress.json.0123456789ab.tmp', true],
      ['policies/.lab-1.c.a1b2c3d4e5f6.tmp', true],
      ['policies/.lab-2.c.ffffffffffff.tmp', false],
      ['policies/lab-1.c', false],
      ['policies/.notes.tmp', true],
      ['.hidden.c.0123456789ab.tmp.keep', true],
    ]
    for (const [name, stale] of files) {
      await writeFile(join(dir, name), 'left behind')
      if (stale) await utimes(join(dir, name), old, old)
    }
    expect(await new UserStore(dir).loadPolicy('lab-1')).toBe('left behind')
    const left = (await readdir(dir, { recursive: true })).filter((f) => !f.endsWith('policies')).sort()
    expect(left).toEqual(['.hidden.c.0123456789ab.tmp.keep', 'policies/.lab-2.c.ffffffffffff.tmp', 'policies/.notes.tmp', 'policies/lab-1.c'])
    expect(await sweepTemporaries(join(dir, 'no-such-folder'))).toEqual([])
    await rm(dir, { recursive: true, force: true })
  })

  it('a writer SIGKILLed mid-save leaves a temporary that the next start removes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bootlab-sweep-'))
    const target = join(dir, 'policies', 'lab-1.c')
    await mkdir(join(dir, 'policies'))
    // A temporary as the killed writer leaves it (kill-writer.test.ts shows kills land mid-write), aged past the guard.
    const temporary = join(dir, 'policies', '.lab-1.c.00112233aabb.tmp')
    await writeFile(temporary, 'half a polic')
    await writeFile(target, 'the last whole save')
    const old = new Date(Date.now() - 2 * STALE_TEMPORARY_MS)
    await utimes(temporary, old, old)
    const store = new UserStore(dir)
    await store.savePolicy('lab-1', 'next save')
    expect(await readdir(join(dir, 'policies'))).toEqual(['lab-1.c'])
    expect(await readFile(target, 'utf8')).toBe('next save')
    await rm(dir, { recursive: true, force: true })
  })
})
