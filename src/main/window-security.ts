/*
 * The locked-down window, as plain data and functions so tests can read them
 * without Electron: the BrowserWindow options of the app window and of the
 * hidden window that prints reports to PDF, and the handlers that refuse
 * navigation, redirects, new windows, webviews and permission requests.
 * index.ts passes these to Electron unchanged.
 */
import type { BrowserWindowConstructorOptions, Event, HandlerDetails, WebContents, WindowOpenHandlerResponse } from 'electron'

/** The app window: the page reaches the system only through the preload's window.bootlab. */
export function appWindowOptions(preload: string, bounds: { width: number; height: number }): BrowserWindowConstructorOptions {
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
    },
  }
}

/** The hidden window a report is printed in: no script at all, no preload, nothing shown. */
export const PDF_WINDOW_OPTIONS: BrowserWindowConstructorOptions = {
  show: false,
  webPreferences: { javascript: false, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false },
}

/** window.open, target=_blank and middle clicks: never a new window (https links go through openExternal). */
export const denyWindowOpen = (_details: HandlerDetails): WindowOpenHandlerResponse => ({ action: 'deny' })

/** will-navigate, will-redirect, will-attach-webview: the page never leaves the app or grows a webview. */
export const refuse = (event: Pick<Event, 'preventDefault'>): void => event.preventDefault()

/** Camera, notifications, clipboard and the rest: refused, whatever the page asks. */
export const denyPermission = (_contents: unknown, _permission: string, callback: (granted: boolean) => void): void => callback(false)

/** What lockDown needs of a WebContents. */
export type LockableContents = Pick<WebContents, 'setWindowOpenHandler' | 'on'>

/** Install the refusals on a window's contents (the app window and any other that appears). */
export function lockDown(contents: LockableContents): void {
  contents.setWindowOpenHandler(denyWindowOpen)
  contents.on('will-navigate', refuse)
  contents.on('will-redirect', refuse)
  contents.on('will-attach-webview', refuse)
}
