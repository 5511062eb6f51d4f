import { mkdtemp, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type AtomicWriteFs, writeFileAtomic } from '../../src/node/atomic-write'
import { DEFAULT_WINDOW_BOUNDS, sanitizeWindowBounds, UserStore } from '../../src/node/user-store'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bootlab-store-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const realFs: AtomicWriteFs = { open, rename, rm }

describe('writeFileAtomic', () => {
  it('the store creates its folders; the writer leaves nothing but the file', async () => {
    const store = new UserStore(join(dir, 'nested'))
    await store.savePolicy('lab-1', 'hello')
    expect(await store.loadPolicy('lab-1')).toBe('hello')
    expect(await readdir(join(dir, 'nested', 'policies'))).toEqual(['lab-1.c'])
  })

  it('replaces an existing file', async () => {
    const target = join(dir, 'a.txt')
    await writeFile(target, 'old')
    await writeFileAtomic(target, 'new')
    expect(await readFile(target, 'utf8')).toBe('new')
  })

  it('leaves the old file intact and no temp file when fsync fails', async () => {
    const target = join(dir, 'a.txt')
    await writeFile(target, 'old')
    const failingSync: AtomicWriteFs = {
      ...realFs,
      open: (async (path: string, flags: string) => {
        const handle = await open(path, flags)
        if (flags === 'wx') handle.sync = async () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' }))
        return handle
      }) as typeof open,
    }
    await expect(writeFileAtomic(target, 'new', failingSync)).rejects.toThrow('EIO')
    expect(await readFile(target, 'utf8')).toBe('old')
    expect(await readdir(dir)).toEqual(['a.txt'])
  })

  it('leaves the old file intact and no temp file when the rename fails', async () => {
    const target = join(dir, 'a.txt')
    await writeFile(target, 'old')
    const failingRename: AtomicWriteFs = { ...realFs, rename: async () => Promise.reject(new Error('EXDEV')) }
    await expect(writeFileAtomic(target, 'new', failingRename)).rejects.toThrow('EXDEV')
    expect(await readFile(target, 'utf8')).toBe('old')
    expect(await readdir(dir)).toEqual(['a.txt'])
  })

  it('never shows a half-written file to concurrent writers', async () => {
    const target = join(dir, 'a.txt')
    const versions = Array.from({ length: 20 }, (_, i) => String(i).repeat(100_000))
    await Promise.all(versions.map((v) => writeFileAtomic(target, v)))
    expect(versions).toContain(await readFile(target, 'utf8'))
    expect(await readdir(dir)).toEqual(['a.txt'])
  })
})

describe('UserStore', () => {
  it('round-trips policy text per key and returns null for an unsaved key', async () => {
    const store = new UserStore(dir)
    expect(await store.loadPolicy('workbench-patched-v1')).toBeNull()
    await store.savePolicy('workbench-patched-v1', 'int x;\n')
    expect(await store.loadPolicy('workbench-patched-v1')).toBe('int x;\n')
    expect(await readFile(join(dir, 'policies', 'workbench-patched-v1.c'), 'utf8')).toBe('int x;\n')
  })

  it('refuses keys that could name another path', async () => {
    const store = new UserStore(dir)
    for (const key of ['../escape', 'a/b', '', '.hidden', 'UPPER']) {
      await expect(store.savePolicy(key, 'x')).rejects.toThrow('invalid policy key')
    }
  })

  it('round-trips progress and drops unknown statuses from a tampered file (which is not moved aside)', async () => {
    const store = new UserStore(dir)
    expect(await store.loadProgress()).toEqual({ labs: {} })
    await store.saveProgress({ labs: { '01-linear-map': 'passed' } })
    expect(await store.loadProgress()).toEqual({ labs: { '01-linear-map': 'passed' } })
    await writeFile(join(dir, 'progress.json'), JSON.stringify({ labs: { a: 'passed', b: 'hacked', '../x': 'passed' } }))
    expect(await store.loadProgress()).toEqual({ labs: { a: 'passed' } })
    expect((await readdir(dir)).filter((f) => f.includes('corrupt'))).toEqual([])
  })

  it.each([
    ['not JSON', '{not json', /^it is not valid JSON \(/],
    ['empty', '', /^it is not valid JSON \(/],
    ['a list', '[]', /^it is not a progress record/],
    ['labs not a map', '{"labs": 5}', /^it is not a progress record/],
  ])('moves a progress.json that is %s aside, says so, and never overwrites an earlier one kept aside', async (_what, text, problem) => {
    const store = new UserStore(dir)
    await writeFile(join(dir, 'progress.json.corrupt-1'), 'kept from before')
    await writeFile(join(dir, 'progress.json'), text)
    const loaded = await store.loadProgress()
    expect(loaded.labs).toEqual({})
    const [, why] = /^Your saved lab progress could not be read: (.*)\. It was kept as progress\.json\.corrupt-2 and progress starts afresh; your policies are not affected\.$/.exec(loaded.notice!)!
    expect(why).toMatch(problem)
    expect(await readFile(join(dir, 'progress.json.corrupt-2'), 'utf8')).toBe(text)
    expect(await readFile(join(dir, 'progress.json.corrupt-1'), 'utf8')).toBe('kept from before')
    // A fresh progress.json in its place (the command line knows a course folder by it).
    expect(JSON.parse(await readFile(join(dir, 'progress.json'), 'utf8'))).toEqual({ labs: {} })
    expect(await store.loadProgress()).toEqual({ labs: {} })
    await store.saveProgress({ labs: { a: 'passed' }, notice: 'never saved' })
    expect(JSON.parse(await readFile(join(dir, 'progress.json'), 'utf8'))).toEqual({ labs: { a: 'passed' } })
  })

  it('lets the app wait for saves still in flight before it quits', async () => {
    const store = new UserStore(dir)
    expect(store.writing).toBe(false)
    const text = 'x'.repeat(2_000_000)
    void store.savePolicy('lab-1', text)
    void store.saveProgress({ labs: { 'lab-1': 'in-progress' } })
    expect(store.writing).toBe(true)
    await store.settled()
    expect(store.writing).toBe(false)
    expect(await readFile(join(dir, 'policies', 'lab-1.c'), 'utf8')).toBe(text)
    expect(await store.loadProgress()).toEqual({ labs: { 'lab-1': 'in-progress' } })
  })

  it('remembers the window size, clamped to a usable one', async () => {
    const store = new UserStore(dir)
    expect(await store.loadWindowBounds()).toEqual(DEFAULT_WINDOW_BOUNDS)
    await store.saveWindowBounds({ width: 1234.4, height: 777 })
    expect(await store.loadWindowBounds()).toEqual({ width: 1234, height: 777 })
  })
})

describe('sanitizeWindowBounds', () => {
  it.each([
    [null, DEFAULT_WINDOW_BOUNDS],
    [{ width: 'wide', height: 10 }, DEFAULT_WINDOW_BOUNDS],
    [{ width: Number.NaN, height: 900 }, DEFAULT_WINDOW_BOUNDS],
    [{ width: 10, height: 10 }, { width: 800, height: 560 }],
    [{ width: 1e9, height: 1e9 }, { width: 10_000, height: 10_000 }],
  ])('%j gives %j', (stored, expected) => {
    expect(sanitizeWindowBounds(stored)).toEqual(expected)
  })
})
