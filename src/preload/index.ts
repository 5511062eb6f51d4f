/*
 * Preload (sandboxed, so bundled as CommonJS): exposes window.bootlab as thin
 * ipcRenderer.invoke calls. No Node or Electron object reaches the page; main
 * validates every argument again, because a renderer is never trusted.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { BootlabApi, MenuCommand } from '../shared/bootlab-api'
import { BOOTLAB_CHANNELS as channel, MENU_CHANNEL, MENU_COMMANDS } from '../shared/bootlab-api'

const bootlab: BootlabApi = {
  host: 'electron',
  loadKernelResources: () => ipcRenderer.invoke(channel.loadKernelResources),
  listLabs: () => ipcRenderer.invoke(channel.listLabs),
  loadLab: (id) => ipcRenderer.invoke(channel.loadLab, id),
  loadPolicy: (key) => ipcRenderer.invoke(channel.loadPolicy, key),
  savePolicy: (key, text) => ipcRenderer.invoke(channel.savePolicy, key, text),
  loadProgress: () => ipcRenderer.invoke(channel.loadProgress),
  saveProgress: (progress) => ipcRenderer.invoke(channel.saveProgress, progress),
  exportFile: (request) => ipcRenderer.invoke(channel.exportFile, request),
  exportPdf: (request) => ipcRenderer.invoke(channel.exportPdf, request),
  openExternal: (url) => ipcRenderer.invoke(channel.openExternal, url),
  onMenuCommand: (listener) => {
    // Only the command name crosses; the IPC event (and its sender) stays here.
    ipcRenderer.on(MENU_CHANNEL, (_event, command: unknown) => {
      if (MENU_COMMANDS.includes(command as MenuCommand)) listener(command as MenuCommand)
    })
  },
}

contextBridge.exposeInMainWorld('bootlab', bootlab)
