/*
 * Paths a manifest writes (`scenarios/x.yaml`, `compare.c`) are relative to the
 * lab folder and must stay inside it: no absolute paths, no `..` climbing out.
 * Pure string work, the same in Node and in the renderer; the Node reader adds
 * the one check only a file system can make (symlinks pointing outside).
 */

export type LabPath = { path: string } | { outside: string }

/** `./scenarios//a.yaml` → `scenarios/a.yaml`; anything that leaves the folder → why. */
export function labPath(written: string): LabPath {
  if (/^([/\\]|[A-Za-z]:)/.test(written)) return { outside: `'${written}' is an absolute path; write it relative to the lab folder` }
  const parts: string[] = []
  for (const part of written.split(/[/\\]+/)) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length === 0) return { outside: `'${written}' points outside the lab folder` }
      parts.pop()
    } else parts.push(part)
  }
  if (parts.length === 0) return { outside: `'${written}' names no file` }
  return { path: parts.join('/') }
}

/** A reference is a file of the lab when it has a folder or an extension; otherwise a bundled name. */
export function isFileReference(ref: string): boolean {
  return /[/\\]/.test(ref) || /\.[A-Za-z0-9]+$/.test(ref)
}
