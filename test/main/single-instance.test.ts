import { describe, expect, it, vi } from 'vitest'
import { focusWindow, takeSingleInstance } from '../../src/main/single-instance'

function fakeApp(lock: boolean) {
  const listeners: (() => void)[] = []
  return { listeners, requestSingleInstanceLock: vi.fn(() => lock), quit: vi.fn(), on: vi.fn((_event: 'second-instance', l: () => void) => void listeners.push(l)) }
}

function fakeWindow(minimized = false, destroyed = false) {
  return { isDestroyed: () => destroyed, isMinimized: () => minimized, restore: vi.fn(), show: vi.fn(), focus: vi.fn() }
}

describe('single instance', () => {
  it('a second launch quits at once and never opens a window', () => {
    const app = fakeApp(false)
    expect(takeSingleInstance(app, () => null)).toBe(false)
    expect(app.quit).toHaveBeenCalledOnce()
    expect(app.on).not.toHaveBeenCalled()
  })

  it('the instance holding the lock brings its window to the front, restored, on a second launch', () => {
    const app = fakeApp(true)
    const window = fakeWindow(true)
    expect(takeSingleInstance(app, () => window)).toBe(true)
    expect(app.quit).not.toHaveBeenCalled()
    app.listeners.forEach((l) => l())
    expect(window.restore).toHaveBeenCalledOnce()
    expect(window.show).toHaveBeenCalledOnce()
    expect(window.focus).toHaveBeenCalledOnce()
  })

  it('no window, or a destroyed one, is left alone', () => {
    expect(() => focusWindow(null)).not.toThrow()
    const gone = fakeWindow(false, true)
    focusWindow(gone)
    expect(gone.focus).not.toHaveBeenCalled()
    const open = fakeWindow(false)
    focusWindow(open)
    expect(open.restore).not.toHaveBeenCalled()
    expect(open.focus).toHaveBeenCalledOnce()
  })
})
