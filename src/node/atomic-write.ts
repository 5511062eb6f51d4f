/*
 * The one way BootLab writes a file the learner must not lose (saved policies,
 * progress, reports, PDFs): write a temporary file in the target's folder (same
 * file system, so the rename is atomic), flush it, rename it over the target,
 * then flush the folder so the rename survives power loss. Any failure removes
 * the temporary file, leaves the target as it was, and throws an
 * AtomicWriteError that names the file and the cause.
 */
import { randomBytes } from 'node:crypto'
import { open, readdir, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export class AtomicWriteError extends Error {}

const TEMPORARY_SUFFIX = '.tmp'
/** The name writeFileAtomic gives its temporary file: `.<target>.<12 hex digits>.tmp`. */
const TEMPORARY = /^\..+\.[0-9a-f]{12}\.tmp$/
/** A temporary file younger than this may belong to a writer still running (another instance): left alone. */
export const STALE_TEMPORARY_MS = 60_000

/** The file-system calls an atomic write makes; tests substitute failing ones. */
export interface AtomicWriteFs {
  open: typeof open
  rename: typeof rename
  rm: typeof rm
}

const nodeFs: AtomicWriteFs = { open, rename, rm }

export async function writeFileAtomic(target: string, content: string | Uint8Array, fs: AtomicWriteFs = nodeFs): Promise<void> {
  const folder = dirname(target)
  const temporary = join(folder, `.${basename(target)}.${randomBytes(6).toString('hex')}${TEMPORARY_SUFFIX}`)
  try {
    const file = await fs.open(temporary, 'wx')
    try {
      await file.writeFile(content)
      await file.sync()
    } finally {
      await file.close()
    }
    await fs.rename(temporary, target)
  } catch (e) {
    await fs.rm(temporary, { force: true })
    // The system's message names the temporary file ("open '/dir/.x.html.5cee26d4758c.tmp'"): the learner named the target.
    const why = (e as Error).message.replaceAll(temporary, target)
    throw new AtomicWriteError(`could not write ${target}: ${why} (any earlier file there is unchanged)`, { cause: e })
  }
  await syncFolder(folder, fs)
}

/** Best effort: Windows cannot open a folder for fsync, where the rename is already durable enough. */
async function syncFolder(folder: string, fs: AtomicWriteFs): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await fs.open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Remove the temporary files a killed writer left in `folder` (a SIGKILL or a
 * power cut between open and rename): only names writeFileAtomic makes, only
 * files not touched for STALE_TEMPORARY_MS. Returns the names removed; a folder
 * that does not exist has none.
 */
export async function sweepTemporaries(folder: string, now = Date.now()): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(folder)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
  const removed: string[] = []
  for (const name of names.filter((n) => TEMPORARY.test(n))) {
    const path = join(folder, name)
    const info = await stat(path).catch(() => null)
    if (!info?.isFile() || now - info.mtimeMs < STALE_TEMPORARY_MS) continue
    await rm(path, { force: true })
    removed.push(name)
  }
  return removed
}
