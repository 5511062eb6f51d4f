/*
 * The learner's saved state on disk, under Electron's userData folder:
 *   policies/<key>.c     policy text per lab or workbench policy
 *   progress.json        lab statuses
 *   window.json          last window size
 * Plain Node (no Electron), so it is unit-tested directly. Every write is
 * atomic: a crash or a full disk mid-write leaves the previous file whole.
 * A progress.json that cannot be read is moved aside (progress.json.corrupt-N),
 * a fresh one written and the learner told, never silently replaced; when it cannot even be moved
 * (a folder in its place, a read-only disk) progress starts afresh with a notice.
 * Saves to one file land in the order they were issued. Writes in flight can be
 * awaited, so the app does not quit in the middle of the last autosave.
 * Temporary files a killed writer left are swept before the first read or write.
 */
import { mkdir, readFile, rename, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { sweepTemporaries, writeFileAtomic } from './atomic-write'
import type { Progress } from '../shared/bootlab-api'
import { progressNotice, progressProblem, sanitizeProgress, STORAGE_KEY_PATTERN } from '../shared/bootlab-api'

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
}

export interface WindowBounds {
  width: number
  height: number
}

export const DEFAULT_WINDOW_BOUNDS: WindowBounds = { width: 1400, height: 900 }
const MIN_WINDOW = { width: 800, height: 560 }
const MAX_WINDOW = { width: 10_000, height: 10_000 }

/** A stored window size clamped to something that fits on a screen; anything else gives the default. */
export function sanitizeWindowBounds(data: unknown): WindowBounds {
  const { width, height } = (data ?? {}) as Partial<Record<keyof WindowBounds, unknown>>
  if (typeof width !== 'number' || typeof height !== 'number' || !Number.isFinite(width) || !Number.isFinite(height)) {
    return { ...DEFAULT_WINDOW_BOUNDS }
  }
  const clamp = (v: number, lo: number, hi: number) => Math.round(Math.min(hi, Math.max(lo, v)))
  return {
    width: clamp(width, MIN_WINDOW.width, MAX_WINDOW.width),
    height: clamp(height, MIN_WINDOW.height, MAX_WINDOW.height),
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** The file-system call the store makes to keep unreadable progress aside; tests substitute a failing one. */
export interface StoreFs {
  rename: typeof rename
}

/** Rename `path` to the first free `<path>.corrupt-N`; returns that name. */
async function moveAside(path: string, fs: StoreFs): Promise<string> {
  for (let n = 1; ; n++) {
    const aside = `${path}.corrupt-${n}`
    if (await stat(aside).then(() => true, () => false)) continue
    await fs.rename(path, aside)
    return aside
  }
}

/** What the learner is told when unreadable progress could not even be moved aside. */
export function progressStuckNotice(problem: string, why: string): string {
  return `Your saved lab progress could not be read: ${problem}. It could not be moved aside either (${why}), so progress starts afresh for this session and may not be saved until progress.json is removed; your policies are not affected.`
}

export class UserStore {
  private readonly inFlight = new Set<Promise<void>>()
  /** Per target file: the last save issued, and the chain of saves to it (one at a time, in order). */
  private readonly targets = new Map<string, { latest: number; chain: Promise<void> }>()
  private issued = 0

  /** Temporary files a killed writer left are swept once, before the store's first read or write. */
  private swept: Promise<void> | undefined

  constructor(
    private readonly root: string,
    private readonly fs: StoreFs = { rename },
  ) {}

  private sweep(): Promise<void> {
    const folders = [this.root, join(this.root, 'policies')]
    // A sweep that fails (an unreadable folder) must not stop the learner's work: the writes will say what is wrong.
    this.swept ??= Promise.all(folders.map((f) => sweepTemporaries(f))).then(
      () => {},
      () => {},
    )
    return this.swept
  }

  /**
   * Every write goes through here, so `settled()` knows what is still being written.
   * Saves to one file run one after another in the order they were issued, and a
   * save that a newer one replaced before it started is dropped: an older, larger
   * text still being written can never land after a newer one. A dropped save's
   * promise resolves (the newer text is the one that counts).
   */
  private write(target: string, text: string): Promise<void> {
    const seq = ++this.issued
    const entry = this.targets.get(target) ?? { latest: seq, chain: Promise.resolve() }
    entry.latest = seq
    const after = () => {}
    const writing = Promise.all([entry.chain.then(after, after), this.sweep()]).then(async () => {
      if (this.targets.get(target)?.latest !== seq) return
      // The store owns its folders (userData/policies/...); the writer only writes.
      await mkdir(dirname(target), { recursive: true })
      await writeFileAtomic(target, text)
    })
    entry.chain = writing
    this.targets.set(target, entry)
    this.inFlight.add(writing)
    const forget = () => {
      this.inFlight.delete(writing)
      if (this.targets.get(target)?.chain === writing) this.targets.delete(target)
    }
    writing.then(forget, forget)
    return writing
  }

  /** True while a save has not reached the disk. */
  get writing(): boolean {
    return this.inFlight.size > 0
  }

  /** Resolves when every save started so far has finished (failed ones included). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight])
  }

  private policyPath(key: string): string {
    if (!STORAGE_KEY_PATTERN.test(key)) throw new Error(`invalid policy key '${key}'`)
    return join(this.root, 'policies', `${key}.c`)
  }

  async loadPolicy(key: string): Promise<string | null> {
    const path = this.policyPath(key)
    await this.sweep()
    return readIfExists(path)
  }

  async savePolicy(key: string, text: string): Promise<void> {
    return this.write(this.policyPath(key), text)
  }

  /**
   * The saved progress; an unreadable file (not JSON, not a record, a folder, a
   * read error) is moved aside and named in `notice`. When even that fails, the
   * learner starts afresh with a notice saying so: the lab list must still load.
   */
  async loadProgress(): Promise<Progress> {
    await this.sweep()
    const path = join(this.root, 'progress.json')
    let problem: string | null
    try {
      const text = await readIfExists(path)
      if (text === null) return { labs: {} }
      problem = progressProblem(text)
      if (problem === null) return sanitizeProgress(JSON.parse(text))
    } catch (e) {
      problem = `it could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`
    }
    let aside: string
    try {
      aside = await moveAside(path, this.fs)
    } catch (e) {
      return { labs: {}, notice: progressStuckNotice(problem, (e as NodeJS.ErrnoException).code ?? (e as Error).message) }
    }
    // Progress starts afresh on disk too: a course folder is known by its progress.json, so the
    // command line would otherwise no longer find the course the learner is in.
    await this.saveProgress({ labs: {} }).catch(() => {})
    return { labs: {}, notice: progressNotice(problem, basename(aside)) }
  }

  saveProgress(progress: Progress): Promise<void> {
    return this.write(join(this.root, 'progress.json'), JSON.stringify(sanitizeProgress(progress), null, 2))
  }

  async loadWindowBounds(): Promise<WindowBounds> {
    await this.sweep()
    return sanitizeWindowBounds(parseJson(await readIfExists(join(this.root, 'window.json'))))
  }

  saveWindowBounds(bounds: WindowBounds): Promise<void> {
    return this.write(join(this.root, 'window.json'), JSON.stringify(sanitizeWindowBounds(bounds)))
  }
}
