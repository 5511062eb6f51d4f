/*
 * Writing a report so that an earlier one is never lost: the text (or a PDF's
 * bytes) goes to a temporary file in the target's folder (same file system, so
 * the rename is atomic), is flushed to disk, then renamed over the target. Any failure
 * removes the temporary file, leaves the target as it was, and throws an
 * ExportError that names the file and the cause.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

export class ExportError extends Error {}

/** Best effort: flush the folder entry the rename changed; some platforms cannot open or sync a folder. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null)
  if (!handle) return
  await handle.sync().catch(() => undefined)
  await handle.close()
}

export async function writeFileAtomic(target: string, content: string | Uint8Array): Promise<void> {
  const dir = dirname(target)
  const temporary = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const handle = await open(temporary, 'wx')
    try {
      await handle.writeFile(content)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, target)
  } catch (e) {
    await rm(temporary, { force: true })
    throw new ExportError(`could not write ${target}: ${(e as Error).message} (any earlier file there is unchanged)`, { cause: e })
  }
  await syncDirectory(dir)
}
