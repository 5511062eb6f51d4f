import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_LAYOUT, LAYOUT_KEY, readLayout, useLayoutStore } from '../../src/renderer/stores/layout'

const memory = () => {
  const items = new Map<string, string>()
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items }
}

beforeEach(() => setActivePinia(createPinia()))

describe('layout store', () => {
  it('remembers the sizes of each arrangement and the lab column, and reads them back', () => {
    const storage = memory()
    const layout = useLayoutStore()
    layout.connect(storage)
    expect(layout.layout).toEqual(DEFAULT_LAYOUT)
    layout.resizedMain([30.123, 30, 39.877])
    layout.resizedResults([50, 50])
    layout.toggleLabs()
    layout.resizedMain([40, 60])
    layout.setConsoleWrap(false)
    layout.setResultsEnlarged(true)
    setActivePinia(createPinia())
    const again = useLayoutStore()
    again.connect(storage)
    expect(again.layout).toEqual({ withLabs: [30.12, 30, 39.88], withoutLabs: [40, 60], results: [50, 50], labsShown: false, consoleWrap: false, resultsEnlarged: true })
  })

  it('falls back to the defaults field by field for anything unreadable', () => {
    expect(readLayout('not json')).toEqual(DEFAULT_LAYOUT)
    expect(readLayout(JSON.stringify({ withLabs: [50, 50, 50], results: [20, 80], labsShown: 'yes', consoleWrap: 1, resultsEnlarged: 'on' }))).toEqual({ ...DEFAULT_LAYOUT, results: [20, 80] })
    const storage = memory()
    storage.setItem(LAYOUT_KEY, '{"withoutLabs":[-5,105]}')
    const layout = useLayoutStore()
    layout.connect(storage)
    expect(layout.layout.withoutLabs).toEqual(DEFAULT_LAYOUT.withoutLabs)
  })
})
