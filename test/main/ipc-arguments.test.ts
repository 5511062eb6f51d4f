import { describe, expect, it } from 'vitest'
import { MAX_TEXT_BYTES, sanitizeProgress } from '../../src/shared/bootlab-api'
import { InvalidArgument, ipcArguments } from '../../src/main/ipc-arguments'

describe('IPC argument schemas (src/shared/ipc-schemas.ts)', () => {
  it('accepts folder-safe keys and rejects anything that could be a path', () => {
    expect(ipcArguments('loadPolicy', ['workbench-patched-v1.c'])).toEqual(['workbench-patched-v1.c'])
    for (const bad of ['../x', 'a/b', 'a\\b', '', '.x', 'A', 42, null, { toString: () => 'x' }]) {
      expect(() => ipcArguments('loadPolicy', [bad])).toThrow(InvalidArgument)
    }
    expect(() => ipcArguments('loadLab', ['../x'])).toThrow(/^loadLab: lab id must match/)
  })

  it('bounds text size in UTF-8 bytes', () => {
    expect(ipcArguments('savePolicy', ['k', 'int x;'])).toEqual(['k', 'int x;'])
    expect(() => ipcArguments('savePolicy', ['k', 'x'.repeat(MAX_TEXT_BYTES + 1)])).toThrow('larger than')
    // Fewer characters than the cap, more bytes: 'é' is two bytes, '€' three, '𝔵' four (a surrogate pair).
    for (const c of ['é', '€', '𝔵']) {
      const bytes = new TextEncoder().encode(c).length
      const fits = c.repeat(Math.floor(MAX_TEXT_BYTES / bytes))
      expect(ipcArguments('savePolicy', ['k', fits])[1]).toBe(fits)
      expect(() => ipcArguments('savePolicy', ['k', fits + c])).toThrow('larger than')
    }
    expect(() => ipcArguments('savePolicy', ['k', new String('x')])).toThrow('must be a string')
  })

  it('accepts progress only when every entry is a known lab status', () => {
    expect(ipcArguments('saveProgress', [{ labs: { '01-a': 'passed', '02-b': 'in-progress' }, notice: 'never saved' }])).toEqual([
      { labs: { '01-a': 'passed', '02-b': 'in-progress' } },
    ])
    expect(() => ipcArguments('saveProgress', [{ labs: { '01-a': 'done' } }])).toThrow(InvalidArgument)
    expect(() => ipcArguments('saveProgress', [{ labs: { '../a': 'passed' } }])).toThrow(InvalidArgument)
    expect(() => ipcArguments('saveProgress', [JSON.parse('{"labs": {"__proto__": "passed"}}')])).toThrow(InvalidArgument)
    expect(() => ipcArguments('saveProgress', [{}])).toThrow(InvalidArgument)
    expect(() => ipcArguments('saveProgress', [[]])).toThrow(InvalidArgument)
  })

  it('accepts hint counts in progress only as whole numbers per lab id', () => {
    expect(ipcArguments('saveProgress', [{ labs: { '01-a': 'passed' }, hints: { '01-a': 2 } }])).toEqual([{ labs: { '01-a': 'passed' }, hints: { '01-a': 2 } }])
    expect(() => ipcArguments('saveProgress', [{ labs: {}, hints: { '01-a': 1.5 } }])).toThrow('hint counts')
    expect(() => ipcArguments('saveProgress', [{ labs: {}, hints: { '01-a': -1 } }])).toThrow(InvalidArgument)
    expect(() => ipcArguments('saveProgress', [{ labs: {}, hints: { '../a': 1 } }])).toThrow(InvalidArgument)
    expect(() => ipcArguments('saveProgress', [{ labs: {}, hints: [1] }])).toThrow(InvalidArgument)
    // What a stored file may hold: sanitizeProgress keeps the sound counts and drops the rest.
    expect(sanitizeProgress({ labs: {}, hints: { '01-a': 3, '02-b': 'x', '03-c': 0, '../d': 1, '04-e': 2.5 } })).toEqual({ labs: {}, hints: { '01-a': 3 } })
    expect(sanitizeProgress({ labs: { '01-a': 'passed' } })).toEqual({ labs: { '01-a': 'passed' } })
  })

  it('accepts an export with a plain file name and a known type', () => {
    const ok = { suggestedName: 'bootlab-report.md', mimeType: 'text/markdown', text: '# Report' }
    expect(ipcArguments('exportFile', [ok])).toEqual([ok])
    expect(() => ipcArguments('exportFile', [{ ...ok, suggestedName: '../../.bashrc' }])).toThrow('plain file name')
    expect(() => ipcArguments('exportFile', [{ ...ok, suggestedName: '/etc/passwd' }])).toThrow('plain file name')
    // HTML reports and .patch files are exports; an executable type is not.
    expect(ipcArguments('exportFile', [{ ...ok, mimeType: 'text/html' }])[0].mimeType).toBe('text/html')
    expect(() => ipcArguments('exportFile', [{ ...ok, mimeType: 'application/x-msdownload' }])).toThrow('mimeType')
    expect(() => ipcArguments('exportFile', [{ ...ok, text: 7 }])).toThrow('must be a string')
  })

  it('accepts a .zip export as bytes with a .zip name, bounded like a text', () => {
    const zip = { suggestedName: 'lab-report.zip', mimeType: 'application/zip', bytes: new Uint8Array([0x50, 0x4b]) }
    expect(ipcArguments('exportFile', [zip])).toEqual([zip])
    expect(() => ipcArguments('exportFile', [{ ...zip, suggestedName: 'lab-report.md' }])).toThrow('must end in .zip')
    expect(() => ipcArguments('exportFile', [{ ...zip, bytes: 'PK' }])).toThrow('must be a Uint8Array')
    expect(() => ipcArguments('exportFile', [{ suggestedName: 'r.zip', mimeType: 'application/zip', text: 'PK' }])).toThrow('must be a Uint8Array')
    expect(() => ipcArguments('exportFile', [{ ...zip, bytes: new Uint8Array(MAX_TEXT_BYTES + 1) }])).toThrow('larger than')
    // A text type's request must carry text, not bytes.
    expect(() => ipcArguments('exportFile', [{ suggestedName: 'r.md', mimeType: 'text/markdown', bytes: new Uint8Array(1) }])).toThrow('must be a string')
  })

  it('accepts a PDF request with a .pdf name and bounded HTML', () => {
    expect(ipcArguments('exportPdf', [{ suggestedName: 'lab-report.pdf', html: '<h1>r</h1>' }])).toEqual([{ suggestedName: 'lab-report.pdf', html: '<h1>r</h1>' }])
    expect(() => ipcArguments('exportPdf', [{ suggestedName: '../r.pdf', html: '' }])).toThrow('plain file name')
    expect(() => ipcArguments('exportPdf', [{ suggestedName: 'r.html', html: '' }])).toThrow('must end in .pdf')
    expect(() => ipcArguments('exportPdf', [{ suggestedName: 'r.pdf', html: {} }])).toThrow('must be a string')
  })

  it('accepts only https links to open outside the app', () => {
    expect(ipcArguments('openExternal', ['https://developer.arm.com/'])).toEqual(['https://developer.arm.com/'])
    for (const bad of ['http://developer.arm.com/', 'file:///etc/passwd', 'javascript:alert(1)', '', null, `https://x.org/${'a'.repeat(3000)}`]) {
      expect(() => ipcArguments('openExternal', [bad])).toThrow(InvalidArgument)
    }
  })

  it('refuses a missing or an extra argument; calls without arguments drop whatever is sent', () => {
    expect(() => ipcArguments('savePolicy', ['k'])).toThrow(InvalidArgument)
    expect(() => ipcArguments('loadLab', ['01-a', 'extra'])).toThrow(InvalidArgument)
    expect(ipcArguments('listLabs', ['../etc/passwd', { __proto__: null }])).toEqual([])
  })
})
