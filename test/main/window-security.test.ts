/*
 * The window a learner's lab is shown in: the BrowserWindow options main
 * passes to Electron, and the handlers that refuse navigation, new windows,
 * webviews and permissions, read and run here as plain data and functions.
 * index.ts is checked to use exactly these and nothing else.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { appWindowOptions, denyPermission, denyPermissionCheck, denyWindowOpen, goMenuItems, lockDown, type LockableContents, PDF_WINDOW_OPTIONS, viewMenuItems } from '../../src/main/window-security'

const INDEX = readFileSync(new URL('../../src/main/index.ts', import.meta.url), 'utf8')

describe('BrowserWindow options', () => {
  const options = appWindowOptions('/app/out/preload/index.cjs', { width: 1400, height: 900 })

  it('the app window isolates the page: contextIsolation, sandbox, no Node, webSecurity, no webviews', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    expect(options).toMatchObject({ width: 1400, height: 900, show: false })
  })

  it('the hidden PDF window runs no script at all and has no preload', () => {
    expect(PDF_WINDOW_OPTIONS.webPreferences).toMatchObject({ javascript: false, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false })
    expect(PDF_WINDOW_OPTIONS.webPreferences?.preload).toBeUndefined()
    expect(PDF_WINDOW_OPTIONS.show).toBe(false)
  })

  it('main creates its windows only from these options and locks down every web contents', () => {
    expect(INDEX.match(/new BrowserWindow\(/g)).toHaveLength(2)
    expect(INDEX).toContain('new BrowserWindow(appWindowOptions(')
    expect(INDEX).toContain('new BrowserWindow(PDF_WINDOW_OPTIONS)')
    expect(INDEX).not.toMatch(/webPreferences|nodeIntegration|contextIsolation|sandbox:/)
    expect(INDEX).toMatch(/app\.on\('web-contents-created', \(_event, contents\) => lockDown\(contents\)\)/)
    expect(INDEX).toContain('setPermissionRequestHandler(denyPermission)')
    expect(INDEX).toContain('setPermissionCheckHandler(denyPermissionCheck)')
    expect(INDEX).toContain("appWindowOptions(join(import.meta.dirname, '../preload/index.cjs'), bounds, app.isPackaged)")
  })
})

describe('the Go menu: Back and Forward, which the ? dialog lists and Electron does not give a page', () => {
  function fakeWindow(back: boolean, forward: boolean) {
    const calls: string[] = []
    const navigationHistory = { canGoBack: () => back, canGoForward: () => forward, goBack: () => void calls.push('back'), goForward: () => void calls.push('forward') }
    return { window: { webContents: { navigationHistory } }, calls }
  }
  const click = (item: Electron.MenuItemConstructorOptions, window: unknown) => (item.click as (i: unknown, w: unknown) => void)(item, window)

  it('Alt+Left and Alt+Right (Cmd+[ and Cmd+] on macOS, where Alt+arrows move the cursor by words)', () => {
    expect(goMenuItems('linux').map((i) => [i.label, i.accelerator])).toEqual([['Back', 'Alt+Left'], ['Forward', 'Alt+Right']])
    expect(goMenuItems('win32').map((i) => i.accelerator)).toEqual(['Alt+Left', 'Alt+Right'])
    expect(goMenuItems('darwin').map((i) => i.accelerator)).toEqual(['Cmd+[', 'Cmd+]'])
    expect(INDEX).toContain("{ label: 'Go', submenu: goMenuItems(process.platform) }")
  })

  it('go back and forward in the window clicked in, only where there is history', () => {
    const [back, forward] = goMenuItems('linux')
    const some = fakeWindow(true, true)
    click(back, some.window)
    click(forward, some.window)
    expect(some.calls).toEqual(['back', 'forward'])
    const none = fakeWindow(false, false)
    click(back, none.window)
    click(forward, none.window)
    click(back, undefined)
    expect(none.calls).toEqual([])
  })
})

describe('DevTools only in development (issue 11, item 10)', () => {
  const roles = (items: Electron.MenuItemConstructorOptions[]) => items.map((i) => i.role ?? i.type)

  it('a packaged build has no DevTools in its windows and none in the View menu', () => {
    expect(appWindowOptions('/p', { width: 1, height: 1 }, true).webPreferences?.devTools).toBe(false)
    expect(PDF_WINDOW_OPTIONS.webPreferences?.devTools).toBe(false)
    expect(roles(viewMenuItems(true))).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'separator', 'togglefullscreen'])
  })

  it('development keeps them', () => {
    expect(appWindowOptions('/p', { width: 1, height: 1 }).webPreferences?.devTools).toBe(true)
    expect(roles(viewMenuItems(false))).toContain('toggleDevTools')
  })

  it("main builds its View menu from viewMenuItems(app.isPackaged), never Electron's default viewMenu role", () => {
    expect(INDEX).toContain("{ label: 'View', submenu: viewMenuItems(app.isPackaged) }")
    expect(INDEX).not.toMatch(/role: 'viewMenu'|toggleDevTools|openDevTools/)
  })
})

/** A stand-in WebContents that records what lockDown installs. */
function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }, ...rest: unknown[]) => void>()
  let openHandler: ((details: never) => unknown) | undefined
  const contents = {
    setWindowOpenHandler: (h: (details: never) => unknown) => void (openHandler = h),
    on: (name: string, listener: (event: { preventDefault(): void }) => void) => {
      listeners.set(name, listener)
      return contents
    },
  }
  return { contents: contents as unknown as LockableContents, listeners, openHandler: () => openHandler }
}

describe('navigation and new windows', () => {
  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview'])('%s is refused', (name) => {
    const { contents, listeners } = fakeContents()
    lockDown(contents)
    const event = { preventDefault: vi.fn() }
    listeners.get(name)!(event, 'https://evil.example/')
    expect(event.preventDefault).toHaveBeenCalledOnce()
  })

  it.each(['https://evil.example/', 'app://bootlab/index.html', 'javascript:alert(1)', 'file:///etc/passwd'])('window.open(%s) is denied', (url) => {
    const { contents, openHandler } = fakeContents()
    lockDown(contents)
    expect(openHandler()).toBe(denyWindowOpen)
    expect(denyWindowOpen({ url, frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'default' } } as never)).toEqual({ action: 'deny' })
  })

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])('the %s permission is refused', (permission) => {
    const callback = vi.fn()
    denyPermission({}, permission, callback)
    expect(callback).toHaveBeenCalledExactlyOnceWith(false)
    expect(denyPermissionCheck()).toBe(false)
  })
})
