/*
 * Electron main process: one locked-down window and the IPC handlers behind
 * window.bootlab. Everything with logic lives in plain Node modules next to
 * this file (store, bundled-files, ipc-arguments, security, app-protocol) and
 * is tested without Electron; this file only wires them to Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import type { BootlabApi, ExportMimeType } from '../shared/bootlab-api'
import { BOOTLAB_CHANNELS } from '../shared/bootlab-api'
import { APP_INDEX_URL, APP_SCHEME, appResponse } from './app-protocol'
import { LabLibrary, readKernelResources } from './bundled-files'
import * as args from './ipc-arguments'
import { isAppRequest, isTrustedSender } from './security'
import { UserStore, writeFileAtomic } from './store'

// Packaged builds carry resources/ and labs/ beside the app; in development they are in the repo.
const appFiles = app.isPackaged ? process.resourcesPath : app.getAppPath()
const userStore = new UserStore(app.getPath('userData'))
const labs = new LabLibrary([{ dir: join(appFiles, 'labs'), origin: 'bundled' }])
const rendererDir = join(import.meta.dirname, '../renderer')
// electron-vite dev sets ELECTRON_RENDERER_URL to its dev server; built apps load app://bootlab.
const rendererUrl = process.env.ELECTRON_RENDERER_URL || APP_INDEX_URL

/** src/renderer/index.html's CSP, put here by electron.vite.config.ts. */
declare const __BOOTLAB_CSP__: string

// Must happen before ready: a standard, secure scheme gets an origin, fetch and module workers.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
])

let mainWindow: BrowserWindow | null = null

const EXPORT_FILTERS: Record<ExportMimeType, Electron.FileFilter> = {
  'text/markdown': { name: 'Markdown', extensions: ['md'] },
  'text/html': { name: 'HTML', extensions: ['html'] },
  'text/x-diff': { name: 'Patch', extensions: ['patch'] },
  'application/json': { name: 'JSON', extensions: ['json'] },
  'text/plain': { name: 'Text', extensions: ['txt'] },
}

type Handlers = { [K in keyof typeof BOOTLAB_CHANNELS]: (...raw: unknown[]) => ReturnType<BootlabApi[K]> }

const handlers: Handlers = {
  loadKernelResources: () => readKernelResources(join(appFiles, 'resources')),
  listLabs: () => labs.list(),
  loadLab: (id) => labs.load(args.storageKey(id, 'lab id')),
  loadPolicy: (key) => userStore.loadPolicy(args.storageKey(key, 'policy key')),
  savePolicy: (key, text) => userStore.savePolicy(args.storageKey(key, 'policy key'), args.boundedText(text, 'policy text')),
  loadProgress: () => userStore.loadProgress(),
  saveProgress: (progress) => userStore.saveProgress(args.progress(progress)),
  exportFile: async (raw) => {
    const request = args.exportRequest(raw)
    const options = {
      defaultPath: join(app.getPath('documents'), request.suggestedName),
      filters: [EXPORT_FILTERS[request.mimeType]],
    }
    const choice = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options)
    if (choice.canceled || !choice.filePath) return { saved: false }
    await writeFileAtomic(choice.filePath, request.text)
    return { saved: true, location: choice.filePath }
  },
}

function registerIpc(): void {
  for (const method of Object.keys(BOOTLAB_CHANNELS) as (keyof typeof BOOTLAB_CHANNELS)[]) {
    ipcMain.handle(BOOTLAB_CHANNELS[method], (event: IpcMainInvokeEvent, ...raw: unknown[]) => {
      if (event.sender !== mainWindow?.webContents || !isTrustedSender(event.senderFrame?.url, rendererUrl)) {
        throw new Error(`${method}: IPC from an untrusted sender`)
      }
      return handlers[method](...raw)
    })
  }
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const { status, headers, body } = await appResponse(rendererDir, request.url, __BOOTLAB_CSP__)
    return new Response(body, { status, headers })
  })
}

function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAppRequest(details.url, rendererUrl) })
  })
}

async function createWindow(): Promise<void> {
  const bounds = await userStore.loadWindowBounds()
  const window = new BrowserWindow({
    ...bounds,
    minWidth: 800,
    minHeight: 560,
    title: 'BootLab',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  })
  mainWindow = window
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.on('will-redirect', (event) => event.preventDefault())
  window.once('ready-to-show', () => window.show())
  // Hold the close until the size is on disk: after the last window closes the app quits at once.
  let boundsSaved = false
  window.on('close', (event) => {
    if (boundsSaved) return
    event.preventDefault()
    const { width, height } = window.getNormalBounds()
    void userStore
      .saveWindowBounds({ width, height })
      .catch((error) => console.error('could not save the window size:', error))
      .finally(() => {
        boundsSaved = true
        window.close()
      })
  })
  window.on('closed', () => {
    mainWindow = null
  })
  await window.loadURL(rendererUrl)
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault())
})

app.whenReady().then(async () => {
  serveRenderer()
  lockDownSession()
  registerIpc()
  await createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
