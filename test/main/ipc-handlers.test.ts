/*
 * Main's IPC handlers as plain functions over fake host services: every
 * argument checked before use, only the app's own page may call, exports go
 * through the atomic writer after the dialog, and only https leaves the app.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createHandlers, guardHandlers, type HostServices } from '../../src/main/ipc-handlers'
import { writeFileAtomic } from '../../src/node/atomic-write'

const APP_URL = 'app://bootlab/index.html'

function fakeHost(overrides: Partial<HostServices> = {}): HostServices {
  return {
    readKernelResources: async () => ({ policies: [], scenarios: [] }),
    listLabs: async () => [],
    loadLab: vi.fn(async (id: string) => ({ id, files: [] })),
    loadPolicy: async () => null,
    savePolicy: vi.fn(async () => {}),
    loadProgress: async () => ({ labs: {} }),
    saveProgress: async () => {},
    chooseSavePath: vi.fn(async () => null),
    writeFileAtomic: vi.fn(async () => {}),
    printToPdf: vi.fn(async () => new Uint8Array([0x25, 0x50, 0x44, 0x46])),
    openExternal: vi.fn(async () => {}),
    ...overrides,
  }
}

describe('IPC handlers', () => {
  it('refuse bad arguments before touching the host', async () => {
    const host = fakeHost()
    const h = createHandlers(host)
    await expect(async () => h.loadLab('../etc')).rejects.toThrow(/lab id/)
    await expect(async () => h.savePolicy('ok-key', 42)).rejects.toThrow(/policy text/)
    await expect(async () => h.exportFile({ suggestedName: '../../x.md', mimeType: 'text/markdown', text: '' })).rejects.toThrow(/plain file name/)
    await expect(async () => h.exportFile({ suggestedName: 'r.exe', mimeType: 'application/x-msdownload', text: '' })).rejects.toThrow(/mimeType/)
    await expect(async () => h.exportPdf({ suggestedName: 'report.html', html: '<p>' })).rejects.toThrow(/\.pdf/)
    await expect(async () => h.exportPdf(null)).rejects.toThrow(/object/)
    expect(host.loadLab).not.toHaveBeenCalled()
    expect(host.savePolicy).not.toHaveBeenCalled()
    expect(host.chooseSavePath).not.toHaveBeenCalled()
    expect(host.printToPdf).not.toHaveBeenCalled()
  })

  it('open only https links outside the app', async () => {
    const host = fakeHost()
    const h = createHandlers(host)
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'app://bootlab/', 'not a url', 7, `https://x.org/${'a'.repeat(3000)}`]) {
      await expect(async () => h.openExternal(url)).rejects.toThrow(/https/)
    }
    await h.openExternal('https://docs.kernel.org/arch/arm64/')
    expect(host.openExternal).toHaveBeenCalledExactlyOnceWith('https://docs.kernel.org/arch/arm64/')
  })

  it('export: a cancelled dialog writes nothing; a chosen path goes to the atomic writer', async () => {
    const host = fakeHost()
    const h = createHandlers(host)
    expect(await h.exportFile({ suggestedName: 'report.md', mimeType: 'text/markdown', text: '# r' })).toEqual({ saved: false })
    expect(host.writeFileAtomic).not.toHaveBeenCalled()
    vi.mocked(host.chooseSavePath).mockResolvedValue('/home/ada/report.md')
    expect(await h.exportFile({ suggestedName: 'report.md', mimeType: 'text/markdown', text: '# r' })).toEqual({ saved: true, location: '/home/ada/report.md' })
    expect(host.chooseSavePath).toHaveBeenLastCalledWith('report.md', { name: 'Markdown', extensions: ['md'] })
    expect(host.writeFileAtomic).toHaveBeenCalledExactlyOnceWith('/home/ada/report.md', '# r')
  })

  it('export: the Markdown report folder as a .zip is written as its bytes', async () => {
    const host = fakeHost({ chooseSavePath: vi.fn(async () => '/home/ada/lab-report.zip') })
    const bytes = new Uint8Array([0x50, 0x4b, 0x05, 0x06])
    expect(await createHandlers(host).exportFile({ suggestedName: 'lab-report.zip', mimeType: 'application/zip', bytes })).toEqual({ saved: true, location: '/home/ada/lab-report.zip' })
    expect(host.chooseSavePath).toHaveBeenLastCalledWith('lab-report.zip', { name: 'Zip archive', extensions: ['zip'] })
    expect(host.writeFileAtomic).toHaveBeenCalledExactlyOnceWith('/home/ada/lab-report.zip', bytes)
  })

  it('PDF: rendered before the dialog, written atomically as bytes', async () => {
    const host = fakeHost({ chooseSavePath: vi.fn(async () => '/home/ada/report.pdf') })
    const h = createHandlers(host)
    expect(await h.exportPdf({ suggestedName: 'report.pdf', html: '<h1>r</h1>' })).toEqual({ saved: true, location: '/home/ada/report.pdf' })
    expect(host.printToPdf).toHaveBeenCalledWith('<h1>r</h1>')
    expect(vi.mocked(host.writeFileAtomic).mock.calls[0][1]).toEqual(new Uint8Array([0x25, 0x50, 0x44, 0x46]))
  })

  it('a failed write reaches the page as an error, and the earlier file stays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bootlab-ipc-'))
    try {
      const target = join(dir, 'report.md')
      await writeFile(target, 'earlier report')
      const host = fakeHost({ chooseSavePath: async () => target, writeFileAtomic })
      // A folder where the temporary file should go makes the write fail after the dialog.
      const h = createHandlers({ ...host, chooseSavePath: async () => join(dir, 'missing-folder', 'report.md') })
      await expect(h.exportFile({ suggestedName: 'report.md', mimeType: 'text/markdown', text: 'new' })).rejects.toThrow(/any earlier file there is unchanged/)
      expect(await readFile(target, 'utf8')).toBe('earlier report')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('sender check', () => {
  const appContents = { id: 1 }
  let host: HostServices
  let guarded: ReturnType<typeof guardHandlers>
  beforeEach(() => {
    host = fakeHost()
    guarded = guardHandlers(createHandlers(host), () => appContents, APP_URL)
  })
  afterEach(() => vi.restoreAllMocks())

  it('answers the app page in the app window', async () => {
    await guarded.loadLab({ sender: appContents, senderFrame: { url: APP_URL } }, '01-linear-map-tour')
    expect(host.loadLab).toHaveBeenCalledWith('01-linear-map-tour')
  })

  it('refuses another window, a foreign frame, or no frame, before reading any argument', () => {
    expect(() => guarded.openExternal({ sender: { id: 2 }, senderFrame: { url: APP_URL } }, 'https://example.com/')).toThrow(/untrusted sender/)
    expect(() => guarded.openExternal({ sender: appContents, senderFrame: { url: 'https://evil.example/' } }, 'https://example.com/')).toThrow(/untrusted sender/)
    expect(() => guarded.exportFile({ sender: appContents, senderFrame: null }, {})).toThrow(/untrusted sender/)
    expect(host.openExternal).not.toHaveBeenCalled()
  })
})
