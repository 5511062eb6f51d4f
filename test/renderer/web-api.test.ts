import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readKernelResources } from '../../src/main/bundled-files'
import type { ExportRequest } from '../../src/shared/bootlab-api'
import { createWebApi, type KeyValueStorage } from '../../src/renderer/web-api'

function memoryStorage(): KeyValueStorage & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) }
}

describe('web-mode window.bootlab', () => {
  it('bundles the same kernel policies and scenarios the desktop app reads from resources/', async () => {
    const bundled = await createWebApi(memoryStorage()).loadKernelResources()
    expect(bundled).toEqual(await readKernelResources(join(import.meta.dirname, '../../resources')))
  })

  it('saves policy text and progress in storage under its own prefix', async () => {
    const storage = memoryStorage()
    const api = createWebApi(storage)
    expect(await api.loadPolicy('workbench-patched-v1')).toBeNull()
    await api.savePolicy('workbench-patched-v1', 'int x;')
    expect(await api.loadPolicy('workbench-patched-v1')).toBe('int x;')
    await api.saveProgress({ labs: { '01-linear-map': 'in-progress' } })
    expect(await api.loadProgress()).toEqual({ labs: { '01-linear-map': 'in-progress' } })
    expect([...storage.items.keys()].sort()).toEqual(['bootlab:policy:workbench-patched-v1', 'bootlab:progress'])
  })

  it('reads corrupt stored progress as none, and refuses bad keys like the desktop app does', async () => {
    const storage = memoryStorage()
    storage.setItem('bootlab:progress', '{oops')
    const api = createWebApi(storage)
    expect(await api.loadProgress()).toEqual({ labs: {} })
    await expect(api.savePolicy('../x', 'y')).rejects.toThrow('policy key')
    await expect(api.loadLab('no-such-lab')).rejects.toThrow("no lab 'no-such-lab'")
  })

  it('exports through a download', async () => {
    const downloads: ExportRequest[] = []
    const api = createWebApi(memoryStorage(), (request) => downloads.push(request))
    const request: ExportRequest = { suggestedName: 'report.md', mimeType: 'text/markdown', text: '# r' }
    expect(await api.exportFile(request)).toEqual({ saved: true, location: 'Downloads/report.md' })
    expect(downloads).toEqual([request])
  })

  it('prints the PDF through the browser and opens only https links, in a new tab', async () => {
    const printed: string[] = []
    const tabs: string[] = []
    const api = createWebApi(memoryStorage(), () => {}, { print: (html) => printed.push(html), openTab: (url) => tabs.push(url) })
    expect(await api.exportPdf({ suggestedName: 'r.pdf', html: '<h1>r</h1>' })).toEqual({ saved: false })
    expect(printed).toEqual(['<h1>r</h1>'])
    await expect(api.openExternal('javascript:alert(1)')).rejects.toThrow(/https/)
    await expect(api.openExternal('http://example.com/')).rejects.toThrow(/https/)
    await api.openExternal('https://example.com/')
    expect(tabs).toEqual(['https://example.com/'])
  })
})
