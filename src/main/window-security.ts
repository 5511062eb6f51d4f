/*
 * The locked-down window, as plain data and functions so tests can read them
 * without Electron: the BrowserWindow options of the app window and of the
 * hidden window that prints reports to PDF, the handlers that refuse
 * navigation (of the page and of any frame), redirects, new windows, webviews,
 * permission requests and checks, and the View menu, which reaches DevTools
 * only in development. index.ts passes these to Electron unchanged.
 */
import type { BrowserWindowConstructorOptions, Event, HandlerDetails, MenuItemConstructorOptions, WebContents, WindowOpenHandlerResponse } from 'electron'

/**
 * The app window: the page reaches the system only through the preload's
 * window.bootlab. A packaged build (app.isPackaged) has no DevTools at all.
 */
export function appWindowOptions(preload: string, bounds: { width: number; height: number }, packaged = false): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 800,
    minHeight: 560,
    title: 'BootLab',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: !packaged,
    },
  }
}

/** The hidden window a report is printed in: no script at all, no preload, nothing shown. */
export const PDF_WINDOW_OPTIONS: BrowserWindowConstructorOptions = {
  show: false,
  webPreferences: { javascript: false, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false },
}

/** window.open, target=_blank and middle clicks: never a new window (https links go through openExternal). */
export const denyWindowOpen = (_details: HandlerDetails): WindowOpenHandlerResponse => ({ action: 'deny' })

/** will-navigate, will-frame-navigate, will-redirect, will-attach-webview: no page or frame leaves the app or grows a webview. */
export const refuse = (event: Pick<Event, 'preventDefault'>): void => event.preventDefault()

/** Camera, notifications, clipboard and the rest: refused, whatever the page asks. */
export const denyPermission = (_contents: unknown, _permission: string, callback: (granted: boolean) => void): void => callback(false)

/** The synchronous permission checks (navigator.permissions.query, clipboard reads...): never granted either. */
export const denyPermissionCheck = (): boolean => false

/** The View menu: zoom and full screen; reload and DevTools only in development, never in a packaged build. */
export function viewMenuItems(packaged: boolean): MenuItemConstructorOptions[] {
  const development: MenuItemConstructorOptions[] = packaged ? [] : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
  return [...development, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }]
}

/** What the Go menu needs of the window a click lands in. */
export interface HistoryWindow {
  webContents: { navigationHistory: { canGoBack(): boolean; canGoForward(): boolean; goBack(): void; goForward(): void } }
}

/**
 * The Go menu: Back and Forward through the app's history (its hash routes: labs, views, steps),
 * which a browser gives the web page and Electron does not. macOS uses ⌘[ and ⌘]: Alt+arrow
 * there moves the editor's cursor by words.
 */
export function goMenuItems(platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  const history = (window: unknown) => (window as HistoryWindow | undefined)?.webContents.navigationHistory
  const mac = platform === 'darwin'
  return [
    { label: 'Back', accelerator: mac ? 'Cmd+[' : 'Alt+Left', click: (_item, window) => void (history(window)?.canGoBack() && history(window)?.goBack()) },
    { label: 'Forward', accelerator: mac ? 'Cmd+]' : 'Alt+Right', click: (_item, window) => void (history(window)?.canGoForward() && history(window)?.goForward()) },
  ]
}

/** What lockDown needs of a WebContents. */
export type LockableContents = Pick<WebContents, 'setWindowOpenHandler' | 'on'>

/** Install the refusals on a window's contents (the app window and any other that appears). */
export function lockDown(contents: LockableContents): void {
  contents.setWindowOpenHandler(denyWindowOpen)
  contents.on('will-navigate', refuse)
  contents.on('will-frame-navigate', refuse)
  contents.on('will-redirect', refuse)
  contents.on('will-attach-webview', refuse)
}
