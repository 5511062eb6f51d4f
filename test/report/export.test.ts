/*
 * Writing a report never loses the earlier one: a failure while writing the
 * temporary file or renaming it into place leaves the old report byte for
 * byte, removes the temporary file and says which file and why.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import * as fsPromises from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AtomicWriteError, writeFileAtomic } from '../../src/node/atomic-write'

// The real fs, with rename and open replaceable per test to inject failures.
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>()
  return { ...real, rename: vi.fn(real.rename), open: vi.fn(real.open) }
})

const failure = (code: string, message: string) => Object.assign(new Error(`${code}: ${message}`), { code })

function folderWithReport(): { dir: string; target: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bootlab-export-'))
  const target = join(dir, 'report.html')
  writeFileSync(target, 'the earlier report')
  return { dir, target }
}

afterEach(() => {
  vi.mocked(fsPromises.rename).mockClear()
  vi.mocked(fsPromises.open).mockClear()
})

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an existing one, leaving no temporary file', async () => {
    const { dir, target } = folderWithReport()
    await writeFileAtomic(target, 'the new report')
    expect(readFileSync(target, 'utf8')).toBe('the new report')
    expect(readdirSync(dir)).toEqual(['report.html'])
    // The rename is what puts it in place: from a temporary file in the same folder.
    const [from, to] = vi.mocked(fsPromises.rename).mock.calls[0]
    expect(String(from)).toMatch(new RegExp(`^${dir}/\\.report\\.html\\.[0-9a-f]{12}\\.tmp$`))
    expect(to).toBe(target)
  })

  it('a failing rename leaves the earlier report intact and says so', async () => {
    const { dir, target } = folderWithReport()
    vi.mocked(fsPromises.rename).mockRejectedValueOnce(failure('EIO', 'i/o error, rename'))
    const error = await writeFileAtomic(target, 'the new report').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AtomicWriteError)
    expect((error as Error).message).toBe(`could not write ${target}: EIO: i/o error, rename (any earlier file there is unchanged)`)
    expect(readFileSync(target, 'utf8')).toBe('the earlier report')
    expect(readdirSync(dir)).toEqual(['report.html'])
  })

  it('a disk that fills up while writing leaves the earlier report intact', async () => {
    const { dir, target } = folderWithReport()
    const realOpen = (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises')).open
    vi.mocked(fsPromises.open).mockImplementationOnce(async (...args: Parameters<typeof realOpen>) => {
      const handle = await realOpen(...args)
      handle.writeFile = () => Promise.reject(failure('ENOSPC', 'no space left on device, write'))
      return handle
    })
    await expect(writeFileAtomic(target, 'the new report')).rejects.toThrow(/^could not write .*report\.html: ENOSPC: no space left on device/)
    expect(readFileSync(target, 'utf8')).toBe('the earlier report')
    expect(readdirSync(dir)).toEqual(['report.html'])
  })

  it('a folder that does not exist is a clear error', async () => {
    const target = join(tmpdir(), 'bootlab-no-such-folder', 'report.md')
    const error = (await writeFileAtomic(target, 'x').catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(new RegExp(`^could not write ${target}: ENOENT`))
    // The system names the file it tried to open, the temporary one: the message names the learner's.
    expect(error.message).not.toMatch(/\.tmp/)
  })
})
