/*
 * Issue 11, item 6: a lab folder with a file name that is not UTF-8, or a
 * sub-folder or file the file system refuses, is a lab error naming the entry
 * (exit 3 on the command line, a message naming the file in the app), never a
 * stack trace. The non-UTF-8 name is a real one on disk. The refusals are
 * injected through the reader's fs seam: the tests run as root, for whom a
 * chmod 000 folder is still readable, so EACCES cannot be produced for real.
 */
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runBoot } from '../../src/cli/bootlab'
import { hiddenLabsNotice, LabLibrary } from '../../src/node/resources'
import { firstNonUtf8, type LabFs, readLabFolder } from '../../src/node/lab-folder'
import { LABS_DIR } from '../../src/node/resources'

const root = mkdtempSync(join(tmpdir(), 'bootlab-unreadable-'))
let copies = 0

function copyLab(): string {
  const dir = join(root, `copy-${++copies}`, '01-linear-map-tour')
  cpSync(join(LABS_DIR, '01-linear-map-tour'), dir, { recursive: true })
  return dir
}

const refuse = (code: string) => Object.assign(new Error(`${code}: permission denied`), { code })
const realFs: LabFs = { readdirSync: (d, o) => readdirSync(d, o), lstatSync, statSync, realpathSync, readFileSync: (p) => readFileSync(p) }

async function cli(...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runBoot(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('a lab folder entry that cannot be named or read', () => {
  it('a file name that is not UTF-8 is an error naming it with \\x escapes; exit 3 on the command line', async () => {
    const dir = copyLab()
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/notes-`), Buffer.from([0xff, 0xfe]), Buffer.from('.md')]), 'bytes')
    expect(readLabFolder(dir).errors.map((e) => `${e.file}: ${e.message}`)).toEqual([
      '01-linear-map-tour/notes-\\xff\\xfe.md: has a file name that is not UTF-8; rename it (lab files are named in UTF-8)',
    ])
    const r = await cli('--lab', dir, '--policy', join(dir, 'start.c'))
    expect(r.code).toBe(3)
    expect(r.err).toContain('notes-\\xff\\xfe.md')
    expect(r.err).not.toMatch(/\n\s+at /)
  })

  it('a sub-folder whose listing is refused (EACCES injected) is an error naming the folder', () => {
    const dir = copyLab()
    mkdirSync(join(dir, 'private'))
    const fs: LabFs = { ...realFs, readdirSync: (d, o) => (d.endsWith('private') ? (() => { throw refuse('EACCES') })() : readdirSync(d, o)) }
    expect(readLabFolder(dir, fs).errors.map((e) => `${e.file}: ${e.message}`)).toEqual(['01-linear-map-tour/private: is a folder that cannot be read (EACCES)'])
  })

  it('a file whose stat or read is refused (EACCES, EIO injected) is an error naming the file', () => {
    const dir = copyLab()
    const fs: LabFs = {
      ...realFs,
      statSync: ((p: string, o?: object) => (p.endsWith('README.md') ? (() => { throw refuse('EACCES') })() : statSync(p, o))) as typeof statSync,
      readFileSync: (p) => (p.endsWith('start.c') ? (() => { throw refuse('EIO') })() : readFileSync(p)),
    }
    expect(readLabFolder(dir, fs).errors.map((e) => `${e.file}: ${e.message}`).sort()).toEqual([
      '01-linear-map-tour/README.md: cannot be read (EACCES)',
      '01-linear-map-tour/start.c: cannot be read (EIO)',
    ])
  })

  it('a lab folder itself that cannot be resolved (EACCES injected) is an error naming it', () => {
    const dir = copyLab()
    const fs: LabFs = { ...realFs, realpathSync: () => { throw refuse('EACCES') } }
    expect(readLabFolder(dir, fs).errors).toEqual([{ file: dir, path: '', message: 'is a lab folder that cannot be read (EACCES)' }])
  })

  it('in the app, opening such a lab says which file', async () => {
    const dir = copyLab()
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), Buffer.from([0xc3, 0x28]), Buffer.from('.c')]), 'int x;')
    const library = new LabLibrary([{ dir: join(dir, '..'), origin: 'opened' }])
    await expect(library.load('01-linear-map-tour')).rejects.toThrow("01-linear-map-tour/\\xc3(.c: has a file name that is not UTF-8")
  })
})

describe('a lab folder opened beside another with a lab of the same id', () => {
  it('the first folder wins, and the learner who opened the second is told which lab is hidden and by what', async () => {
    const mine = copyLab()
    const opened = join(mine, '..')
    cpSync(join(LABS_DIR, '02-bbml2-repaint'), join(opened, 'my-own-lab'), { recursive: true })
    const library = new LabLibrary([
      { dir: LABS_DIR, origin: 'bundled' },
      { dir: opened, origin: 'opened' },
    ])
    const listed = await library.list()
    expect(listed.filter((r) => r.id === '01-linear-map-tour')).toEqual([{ id: '01-linear-map-tour', origin: 'bundled' }])
    expect(listed).toContainEqual({ id: 'my-own-lab', origin: 'opened' })
    expect(library.hidden()).toEqual([{ id: '01-linear-map-tour', dir: mine, hiddenBy: join(LABS_DIR, '01-linear-map-tour') }])
    const notice = hiddenLabsNotice(library, opened)
    expect(notice?.message).toBe('The lab 01-linear-map-tour in this folder is not listed')
    expect(notice?.detail).toContain(`01-linear-map-tour: ${mine} is hidden by ${join(LABS_DIR, '01-linear-map-tour')}`)
    // Opening the bundled folder itself again hides nothing; another folder without a clash says nothing.
    expect(hiddenLabsNotice(new LabLibrary([{ dir: LABS_DIR, origin: 'bundled' }, { dir: LABS_DIR, origin: 'opened' }]), LABS_DIR)).toBeNull()
    expect(hiddenLabsNotice(library, LABS_DIR)).toBeNull()
  })
})

describe('a lab file that is not UTF-8 text', () => {
  it('is an error naming the file, the line and column of the first bad byte, not a lab shown with replacement characters', async () => {
    const dir = copyLab()
    const start = readFileSync(join(dir, 'start.c'))
    const lines = start.toString('utf8').split('\n')
    // A Latin-1 é (0xe9) in a comment on line 3, as an editor set to ISO-8859-1 saves it.
    const before = Buffer.from(lines.slice(0, 2).join('\n') + '\n/* caf')
    writeFileSync(join(dir, 'start.c'), Buffer.concat([before, Buffer.from([0xe9]), Buffer.from(' */\n' + lines.slice(2).join('\n'))]))
    const read = readLabFolder(dir, realFs)
    expect(read.folder).toBeUndefined()
    expect(read.errors).toEqual([{ file: '01-linear-map-tour/start.c', path: '', line: 3, column: 7, message: 'is not UTF-8 text (byte 0xe9); save it as UTF-8' }])
    const r = await cli('--lab', dir, '--policy', join(LABS_DIR, '01-linear-map-tour', 'solution.c'))
    expect(r.code).toBe(3)
    expect(r.err).toContain('01-linear-map-tour/start.c:3:7: is not UTF-8 text (byte 0xe9)')
  })
})

describe('firstNonUtf8', () => {
  const strict = new TextDecoder('utf-8', { fatal: true })
  const decodes = (b: Uint8Array) => {
    try {
      strict.decode(b)
      return true
    } catch {
      return false
    }
  }

  it('agrees with the platform\'s strict UTF-8 decoder, and the bytes before the offset it gives decode', () => {
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    const pick = [0x41, 0x0a, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xa0, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff]
    for (let n = 0; n < 5000; n++) {
      const bytes = Uint8Array.from({ length: 1 + (next() % 8) }, () => pick[next() % pick.length])
      const bad = firstNonUtf8(bytes)
      expect({ bytes: [...bytes], ok: bad < 0 }).toEqual({ bytes: [...bytes], ok: decodes(bytes) })
      if (bad >= 0) expect(decodes(bytes.subarray(0, bad))).toBe(true)
    }
  })

  it('finds a Latin-1 byte, a surrogate and a truncated sequence at their offsets', () => {
    expect(firstNonUtf8(Buffer.from('café', 'latin1'))).toBe(3)
    expect(firstNonUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1)
    expect(firstNonUtf8(Buffer.concat([Buffer.from('ok ✓ '), Buffer.from([0xe2, 0x9c])]))).toBe(7)
    expect(firstNonUtf8(Buffer.from('ünïcode ✓ 🙂'))).toBe(-1)
  })
})

describe('a lab given by its manifest instead of its folder', () => {
  it('says it is a file and names the folder meant, not "no such directory"', () => {
    const dir = copyLab()
    const read = readLabFolder(join(dir, 'lab.yaml'), realFs)
    expect(read.errors).toEqual([{ file: join(dir, 'lab.yaml'), path: '', message: `is a file, not a lab folder; give the folder that holds it (${dir})` }])
    expect(readLabFolder(join(dir, 'nowhere'), realFs).errors[0].message).toBe('is not a lab folder (no such directory)')
  })
})
