/*
 * The learner's saved state on disk, under Electron's userData folder:
 *   policies/<key>.c     policy text per lab or workbench policy
 *   progress.json        lab statuses
 *   window.json          last window size
 * Plain Node (no Electron), so it is unit-tested directly. Every write is
 * atomic: a crash or a full disk mid-write leaves the previous file whole.
 * A progress.json that cannot be read is moved aside (progress.json.corrupt-N)
 * and the learner told, never silently replaced. Writes in flight can be
 * awaited, so the app does not quit in the middle of the last autosave.
 */
import { mkdir, readFile, rename, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { writeFileAtomic } from '../node/atomic-write'
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

/** Rename `path` to the first free `<path>.corrupt-N`; returns that name. */
async function moveAside(path: string): Promise<string> {
  for (let n = 1; ; n++) {
    const aside = `${path}.corrupt-${n}`
    if (await stat(aside).then(() => true, () => false)) continue
    await rename(path, aside)
    return aside
  }
}

export class UserStore {
  private readonly inFlight = new Set<Promise<void>>()

  constructor(private readonly root: string) {}

  /** Every write goes through here, so `settled()` knows what is still being written. */
  private write(target: string, text: string): Promise<void> {
    // The store owns its folders (userData/policies/...); the writer only writes.
    const writing = mkdir(dirname(target), { recursive: true }).then(() => writeFileAtomic(target, text))
    this.inFlight.add(writing)
    const forget = () => void this.inFlight.delete(writing)
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
    return readIfExists(this.policyPath(key))
  }

  async savePolicy(key: string, text: string): Promise<void> {
    return this.write(this.policyPath(key), text)
  }

  /** The saved progress; an unreadable file is moved aside and named in `notice`. */
  async loadProgress(): Promise<Progress> {
    const path = join(this.root, 'progress.json')
    const text = await readIfExists(path)
    if (text === null) return { labs: {} }
    const problem = progressProblem(text)
    if (problem === null) return sanitizeProgress(JSON.parse(text))
    const aside = await moveAside(path)
    return { labs: {}, notice: progressNotice(problem, basename(aside)) }
  }

  saveProgress(progress: Progress): Promise<void> {
    return this.write(join(this.root, 'progress.json'), JSON.stringify(sanitizeProgress(progress), null, 2))
  }

  async loadWindowBounds(): Promise<WindowBounds> {
    return sanitizeWindowBounds(parseJson(await readIfExists(join(this.root, 'window.json'))))
  }

  saveWindowBounds(bounds: WindowBounds): Promise<void> {
    return this.write(join(this.root, 'window.json'), JSON.stringify(sanitizeWindowBounds(bounds)))
  }
}
