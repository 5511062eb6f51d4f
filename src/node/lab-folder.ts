/*
 * One lab folder on disk read into the LabFolder the lab loader takes: the one
 * reader for the command line, lab:check and the Electron main process, so a
 * folder downloaded from the internet is refused the same way everywhere.
 * Reads only regular text files of the lab's kinds; refuses, with a message
 * naming the file, a symlink leading outside the folder, a file over 256 KiB,
 * a tree nested too deep, a folder too big to be a lab, a file name that is
 * not UTF-8 (read as bytes, shown with \xNN escapes) and an entry the file
 * system refuses (EACCES, EIO): each an error naming the entry, never an
 * exception. Dotfiles, other kinds of files and special files (FIFOs,
 * sockets, devices) are never opened.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path'
import type { LabFolder, TextFile } from '../shared/bootlab-api'
import { STORAGE_KEY_PATTERN } from '../shared/bootlab-api'
import type { LabError } from '../labs'

const LAB_FILE_EXTENSIONS = new Set(['.md', '.c', '.yaml', '.yml', '.json'])
export const MAX_LAB_FILE_BYTES = 256 * 1024
/** A lab is a handful of files; a folder with far more entries is a mistake (or a trap), not a lab. */
export const MAX_LAB_ENTRIES = 500
/** All of a lab's text together; bounds what a folder can make the app hold in memory. */
export const MAX_LAB_BYTES = 4 * 1024 * 1024
/** Deep enough for `scenarios/extra/x.yaml`; a deeper tree is a mistake, not a lab. */
const MAX_DEPTH = 4

/** The file-system calls the reader makes; tests substitute failing ones (as root, chmod refuses nothing). */
export interface LabFs {
  readdirSync(dir: string, options: { encoding: 'buffer' }): Buffer[]
  lstatSync: typeof lstatSync
  statSync: typeof statSync
  realpathSync(path: string): string
  readFileSync(path: string): Buffer
}

const nodeFs: LabFs = { readdirSync, lstatSync, statSync, realpathSync, readFileSync }

// ignoreBOM keeps a leading byte-order mark as text, as Buffer.toString() does: the policy compiler decides about it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** A file name as text: the name itself when it is UTF-8, else its bytes with \xNN escapes for all but printable ASCII. */
function fileName(bytes: Buffer): { name: string; utf8: boolean } {
  try {
    return { name: utf8.decode(bytes), utf8: true }
  } catch {
    const name = [...bytes].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')
    return { name, utf8: false }
  }
}

/** The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlongs, no surrogates), or -1. */
export function firstNonUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]
    if (b < 0x80) {
      i++
      continue
    }
    const [length, min, max] = b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf] : b === 0xe0 ? [3, 0xa0, 0xbf] : b === 0xed ? [3, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf] : b === 0xf0 ? [4, 0x90, 0xbf] : b === 0xf4 ? [4, 0x80, 0x8f] : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf] : [0, 0, 0]
    if (!length || !(bytes[i + 1] >= min && bytes[i + 1] <= max)) return i
    for (let k = 2; k < length; k++) if (!(bytes[i + k] >= 0x80 && bytes[i + k] <= 0xbf)) return i
    i += length
  }
  return -1
}

/** A lab file's text, or where it stops being UTF-8 (1-based line and column, the column in characters of the line before it). */
function fileText(bytes: Buffer): { text: string } | { line: number; column: number; byte: number } {
  try {
    return { text: utf8.decode(bytes) }
  } catch {
    // Not UTF-8: where, for the message.
  }
  const bad = firstNonUtf8(bytes)
  const lineStart = bytes.lastIndexOf(0x0a, bad - 1) + 1
  const line = bytes.subarray(0, lineStart).reduce((n, b) => n + (b === 0x0a ? 1 : 0), 1)
  return { line, column: bytes.subarray(lineStart, bad).toString('utf8').length + 1, byte: bytes[bad] }
}

/** Why the file system refused: its error code, or the message. */
const refusal = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message

export interface LabFolderRead {
  folder?: LabFolder
  errors: LabError[]
}

const inside = (root: string, path: string) => path === root || path.startsWith(root + sep)

class TreeReader {
  readonly files: TextFile[] = []
  readonly errors: LabError[] = []
  private entries = 0
  private bytes = 0

  constructor(
    private readonly root: string,
    private readonly realRoot: string,
    private readonly id: string,
    private readonly fs: LabFs,
  ) {}

  private fail(rel: string, message: string): void {
    this.errors.push({ file: rel ? `${this.id}/${rel}` : this.id, path: '', message })
  }

  /** The lab files under `dir`, '/'-separated paths relative to the lab root; false once a size cap is hit. */
  read(dir: string, depth: number): boolean {
    const dirRel = relative(this.root, dir).split(sep).join('/')
    let names: { name: string; utf8: boolean }[]
    try {
      names = this.fs.readdirSync(dir, { encoding: 'buffer' }).map(fileName)
    } catch (e) {
      this.fail(dirRel, `is a folder that cannot be read (${refusal(e)})`)
      return true
    }
    for (const entry of names.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) continue
      if (++this.entries > MAX_LAB_ENTRIES) {
        this.fail('', `has more than ${MAX_LAB_ENTRIES} files and folders; a lab is a handful of files`)
        return false
      }
      const full = join(dir, entry.name)
      const rel = relative(this.root, full).split(sep).join('/')
      if (!entry.utf8) {
        this.fail(rel, 'has a file name that is not UTF-8; rename it (lab files are named in UTF-8)')
        continue
      }
      try {
        if (!this.entry(full, rel, entry.name, depth)) return false
      } catch (e) {
        this.fail(rel, `cannot be read (${refusal(e)})`)
      }
    }
    return true
  }

  /** One entry of a folder; false once a size cap is hit. Throws what the file system refuses. */
  private entry(full: string, rel: string, name: string, depth: number): boolean {
    let target = full
    if (this.fs.lstatSync(full).isSymbolicLink()) {
      try {
        target = this.fs.realpathSync(full)
      } catch {
        this.fail(rel, 'is a broken symlink (or a symlink loop)')
        return true
      }
      if (!inside(this.realRoot, target)) {
        this.fail(rel, `is a symlink to ${target}, outside the lab folder; a lab may only use files inside its own folder`)
        return true
      }
    }
    const stat = this.fs.statSync(target)
    if (stat.isDirectory()) {
      if (depth >= MAX_DEPTH) this.fail(rel, `is nested more than ${MAX_DEPTH} folders deep`)
      else return this.read(full, depth + 1)
    } else if (stat.isFile() && LAB_FILE_EXTENSIONS.has(extname(name))) {
      if (stat.size > MAX_LAB_FILE_BYTES) {
        this.fail(rel, `is ${Math.ceil(stat.size / 1024)} KiB; lab files are at most ${MAX_LAB_FILE_BYTES / 1024} KiB`)
        return true
      }
      this.bytes += stat.size
      if (this.bytes > MAX_LAB_BYTES) {
        this.fail('', `has more than ${MAX_LAB_BYTES / 2 ** 20} MiB of lab files; a lab is a handful of small files`)
        return false
      }
      // Decoded strictly: a Latin-1 é would otherwise reach the learner as U+FFFD, with nothing said.
      const read = fileText(this.fs.readFileSync(target))
      if ('text' in read) this.files.push({ path: rel, text: read.text })
      else this.errors.push({ file: `${this.id}/${rel}`, path: '', line: read.line, column: read.column, message: `is not UTF-8 text (byte 0x${read.byte.toString(16).padStart(2, '0')}); save it as UTF-8` })
    }
    return true
  }
}

export function readLabFolder(dir: string, fs: LabFs = nodeFs): LabFolderRead {
  const root = resolve(dir)
  const id = basename(root)
  let realRoot: string
  try {
    const stat = fs.statSync(root, { throwIfNoEntry: false })
    // A manifest given for its folder (bootlab check ./lab/lab.yaml) is a file: say which folder is meant.
    if (stat && !stat.isDirectory()) return { errors: [{ file: dir, path: '', message: `is a file, not a lab folder; give the folder that holds it (${dirname(root)})` }] }
    if (!stat) return { errors: [{ file: dir, path: '', message: 'is not a lab folder (no such directory)' }] }
    realRoot = fs.realpathSync(root)
  } catch (e) {
    return { errors: [{ file: dir, path: '', message: `is a lab folder that cannot be read (${refusal(e)})` }] }
  }
  if (!STORAGE_KEY_PATTERN.test(id)) return { errors: [{ file: dir, path: '', message: `the folder name '${id}' is not a lab id (lower-case letters, digits, . _ -)` }] }
  const reader = new TreeReader(root, realRoot, id, fs)
  reader.read(root, 0)
  return reader.errors.length ? { errors: reader.errors } : { folder: { id, files: reader.files }, errors: [] }
}
