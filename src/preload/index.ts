/*
 * Preload (sandboxed, so bundled as CommonJS): exposes window.bootlab as thin
 * ipcRenderer.invoke calls. No Node or Electron object reaches the page; main
 * validates every argument again, because a renderer is never trusted.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { BootlabApi } from '../shared/bootlab-api'
import { BOOTLAB_CHANNELS as channel } from '../shared/bootlab-api'

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
}

contextBridge.exposeInMainWorld('bootlab', bootlab)
