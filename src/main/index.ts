/*
 * Electron main process: one locked-down window and the IPC handlers behind
 * window.bootlab. Everything with logic lives in plain Node modules next to
 * this file and in src/node (the user store, the bundle reader, the app:// protocol), ipc-handlers, security, window-security,
 * single-instance) and
 * is tested without Electron; this file only wires them to Electron.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import { writeFileAtomic } from '../node/atomic-write'
import type { MenuCommand } from '../shared/bootlab-api'
import { BOOTLAB_CHANNELS, MENU_CHANNEL } from '../shared/bootlab-api'
import { APP_INDEX_URL, APP_SCHEME, appResponse } from '../node/app-protocol'
import { hiddenLabsNotice, LabLibrary, labRootFor, type LabRoot, readKernelResources } from '../node/resources'
import { createHandlers, guardHandlers } from './ipc-handlers'
import { isAppRequest } from './security'
import { takeSingleInstance } from './single-instance'
import { UserStore } from '../node/user-store'
import { appWindowOptions, denyPermission, denyPermissionCheck, goMenuItems, lockDown, PDF_WINDOW_OPTIONS, viewMenuItems } from './window-security'

// Packaged builds carry resources/ and labs/ beside the app; in development they are in the repo.
const appFiles = app.isPackaged ? process.resourcesPath : app.getAppPath()
const userStore = new UserStore(app.getPath('userData'))
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

/** Lab folders the learner opened from the menu, this session; bundled labs win on a clash of ids. */
const openedLabRoots: LabRoot[] = []
const labLibrary = () => new LabLibrary([{ dir: join(appFiles, 'labs'), origin: 'bundled' }, ...openedLabRoots])

async function chooseSavePath(suggestedName: string, filter: Electron.FileFilter): Promise<string | null> {
  const options = { defaultPath: join(app.getPath('documents'), suggestedName), filters: [filter] }
  const choice = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options)
  return choice.canceled || !choice.filePath ? null : choice.filePath
}

/** The report in a hidden window with no scripts, no preload and the locked-down session, printed to PDF. */
async function printToPdf(html: string): Promise<Uint8Array> {
  const hidden = new BrowserWindow(PDF_WINDOW_OPTIONS)
  try {
    await hidden.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`)
    return await hidden.webContents.printToPDF({ printBackground: true, pageSize: 'A4' })
  } finally {
    hidden.destroy()
  }
}

const handlers = guardHandlers(
  createHandlers({
    readKernelResources: async () => readKernelResources(join(appFiles, 'resources')),
    listLabs: () => labLibrary().list(),
    loadLab: (id) => labLibrary().load(id),
    loadPolicy: (key) => userStore.loadPolicy(key),
    savePolicy: (key, text) => userStore.savePolicy(key, text),
    loadProgress: () => userStore.loadProgress(),
    saveProgress: (progress) => userStore.saveProgress(progress),
    chooseSavePath,
    writeFileAtomic,
    printToPdf,
    openExternal: (url) => shell.openExternal(url),
  }),
  () => mainWindow?.webContents,
  rendererUrl,
)

function registerIpc(): void {
  for (const method of Object.keys(BOOTLAB_CHANNELS) as (keyof typeof BOOTLAB_CHANNELS)[]) {
    ipcMain.handle(BOOTLAB_CHANNELS[method], (event: IpcMainInvokeEvent, ...raw: unknown[]) => handlers[method](event, ...raw))
  }
}

const sendMenuCommand = (command: MenuCommand) => mainWindow?.webContents.send(MENU_CHANNEL, command)

/** A folder of labs, or one lab folder (then its parent is read, as labs/ is). */
async function openLabFolder(): Promise<void> {
  const choice = mainWindow ? await dialog.showOpenDialog(mainWindow, { properties: ['openDirectory'] }) : await dialog.showOpenDialog({ properties: ['openDirectory'] })
  const folder = choice.filePaths[0]
  if (choice.canceled || !folder) return
  const dir = labRootFor(folder)
  if (!openedLabRoots.some((r) => r.dir === dir)) openedLabRoots.push({ dir, origin: 'opened' })
  sendMenuCommand('reload-labs')
  const notice = hiddenLabsNotice(labLibrary(), dir)
  if (notice) {
    const box = { type: 'warning' as const, ...notice }
    await (mainWindow ? dialog.showMessageBox(mainWindow, box) : dialog.showMessageBox(box))
  }
}

function buildMenu(): void {
  const fileMenu: Electron.MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Lab Folder…', accelerator: 'CmdOrCtrl+O', click: () => void openLabFolder() },
      { label: 'Export Report…', accelerator: 'CmdOrCtrl+E', click: () => sendMenuCommand('export-report') },
      { label: 'Reload Labs', click: () => sendMenuCommand('reload-labs') },
      { type: 'separator' },
      process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
    ],
  }
  const template: Electron.MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    fileMenu,
    { role: 'editMenu' },
    { label: 'View', submenu: viewMenuItems(app.isPackaged) },
    { label: 'Go', submenu: goMenuItems(process.platform) },
    { role: 'windowMenu' },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const { status, headers, body } = await appResponse(rendererDir, request.url, __BOOTLAB_CSP__)
    return new Response(body, { status, headers })
  })
}

function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler(denyPermission)
  session.defaultSession.setPermissionCheckHandler(denyPermissionCheck)
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAppRequest(details.url, rendererUrl) })
  })
}

async function createWindow(): Promise<void> {
  const bounds = await userStore.loadWindowBounds()
  const window = new BrowserWindow(appWindowOptions(join(import.meta.dirname, '../preload/index.cjs'), bounds, app.isPackaged))
  mainWindow = window
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

// Every page the app ever shows (its window, the PDF printer): no navigation, new windows or webviews.
app.on('web-contents-created', (_event, contents) => lockDown(contents))

// One instance: a second launch focuses this window instead of editing the same files beside it.
const isTheInstance = takeSingleInstance(app, () => mainWindow)

app.whenReady().then(async () => {
  if (!isTheInstance) return
  serveRenderer()
  lockDownSession()
  registerIpc()
  buildMenu()
  await createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

// The last autosave (sent as the page unloads) must reach the disk before the process exits.
app.on('will-quit', (event) => {
  if (!userStore.writing) return
  event.preventDefault()
  void userStore.settled().finally(() => app.quit())
})
