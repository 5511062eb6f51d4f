import { describe, expect, it } from 'vitest'
import { MAX_TEXT_BYTES } from '../../src/shared/bootlab-api'
import { boundedText, exportRequest, externalLink, InvalidArgument, pdfRequest, progress, storageKey } from '../../src/main/ipc-arguments'

describe('IPC argument checks', () => {
  it('accepts folder-safe keys and rejects anything that could be a path', () => {
    expect(storageKey('workbench-patched-v1.c', 'key')).toBe('workbench-patched-v1.c')
    for (const bad of ['../x', 'a/b', 'a\\b', '', '.x', 'A', 42, null, { toString: () => 'x' }]) {
      expect(() => storageKey(bad, 'key')).toThrow(InvalidArgument)
    }
  })

  it('bounds text size', () => {
    expect(boundedText('int x;', 'text')).toBe('int x;')
    expect(() => boundedText('x'.repeat(MAX_TEXT_BYTES + 1), 'text')).toThrow('larger than')
    expect(() => boundedText(new String('x'), 'text')).toThrow('must be a string')
  })

  it('accepts progress only when every entry is a known lab status', () => {
    expect(progress({ labs: { '01-a': 'passed', '02-b': 'in-progress' } })).toEqual({
      labs: { '01-a': 'passed', '02-b': 'in-progress' },
    })
    expect(() => progress({ labs: { '01-a': 'done' } })).toThrow(InvalidArgument)
    expect(() => progress({ labs: { '../a': 'passed' } })).toThrow(InvalidArgument)
    expect(() => progress({})).toThrow(InvalidArgument)
    expect(() => progress([])).toThrow(InvalidArgument)
  })

  it('accepts an export with a plain file name and a known type', () => {
    const ok = { suggestedName: 'bootlab-report.md', mimeType: 'text/markdown', text: '# Report' }
    expect(exportRequest(ok)).toEqual(ok)
    expect(() => exportRequest({ ...ok, suggestedName: '../../.bashrc' })).toThrow('plain file name')
    expect(() => exportRequest({ ...ok, suggestedName: '/etc/passwd' })).toThrow('plain file name')
    // HTML reports and .patch files are exports; an executable type is not.
    expect(exportRequest({ ...ok, mimeType: 'text/html' }).mimeType).toBe('text/html')
    expect(() => exportRequest({ ...ok, mimeType: 'application/x-msdownload' })).toThrow('mimeType')
    expect(() => exportRequest({ ...ok, text: 7 })).toThrow('must be a string')
  })

  it('accepts a PDF request with a .pdf name and bounded HTML', () => {
    expect(pdfRequest({ suggestedName: 'lab-report.pdf', html: '<h1>r</h1>' })).toEqual({ suggestedName: 'lab-report.pdf', html: '<h1>r</h1>' })
    expect(() => pdfRequest({ suggestedName: '../r.pdf', html: '' })).toThrow('plain file name')
    expect(() => pdfRequest({ suggestedName: 'r.pdf', html: {} })).toThrow('must be a string')
  })

  it('accepts only https links to open outside the app', () => {
    expect(externalLink('https://developer.arm.com/')).toBe('https://developer.arm.com/')
    for (const bad of ['http://developer.arm.com/', 'file:///etc/passwd', 'javascript:alert(1)', '', null]) expect(() => externalLink(bad)).toThrow(InvalidArgument)
  })
})
