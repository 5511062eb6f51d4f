import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readKernelResources } from '../../src/node/resources'
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

  it('keeps corrupt stored progress aside and says so, as the desktop app does, and refuses bad keys', async () => {
    const storage = memoryStorage()
    storage.setItem('bootlab:progress', '{oops')
    const api = createWebApi(storage)
    const loaded = await api.loadProgress()
    expect(loaded.labs).toEqual({})
    expect(loaded.notice).toMatch(/^Your saved lab progress could not be read: it is not valid JSON \(.*\)\. It was kept as bootlab:progress\.corrupt-1 in this browser's local storage/)
    expect(storage.items.get('bootlab:progress.corrupt-1')).toBe('{oops')
    expect(await api.loadProgress()).toEqual({ labs: {} })
    storage.setItem('bootlab:progress', '[]')
    expect((await api.loadProgress()).notice).toContain('it is not a progress record ({ "labs": { ... } }). It was kept as bootlab:progress.corrupt-2')
    expect(storage.items.get('bootlab:progress.corrupt-1')).toBe('{oops')
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
