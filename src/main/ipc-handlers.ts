/*
 * What main does for each window.bootlab call, as plain functions over the
 * host's services (Electron's dialogs, printToPDF and shell are passed in), so
 * argument parsing (src/shared/ipc-schemas.ts), the sender check and "export never loses data" are tested
 * without Electron. index.ts only builds the services and registers these.
 */
import type { FileFilter } from 'electron'
import type { BootlabApi, ExportMimeType, KernelResources, LabFolder, LabRef, Progress } from '../shared/bootlab-api'
import { BOOTLAB_CHANNELS } from '../shared/bootlab-api'
import { ipcArguments } from './ipc-arguments'
import { isTrustedSender } from './security'

export interface HostServices {
  readKernelResources(): Promise<KernelResources>
  listLabs(): Promise<LabRef[]>
  loadLab(id: string): Promise<LabFolder>
  loadPolicy(key: string): Promise<string | null>
  savePolicy(key: string, text: string): Promise<void>
  loadProgress(): Promise<Progress>
  saveProgress(progress: Progress): Promise<void>
  /** The save dialog; null when the learner cancels. */
  chooseSavePath(suggestedName: string, filter: FileFilter): Promise<string | null>
  /** Writes the whole file or nothing (src/node/atomic-write.ts), leaving an earlier file intact on failure. */
  writeFileAtomic(path: string, content: string | Uint8Array): Promise<void>
  /** The HTML rendered and printed to PDF in a hidden, script-less window. */
  printToPdf(html: string): Promise<Uint8Array>
  openExternal(url: string): Promise<void>
}

export const EXPORT_FILTERS: Record<ExportMimeType | 'application/pdf' | 'application/zip', FileFilter> = {
  'text/markdown': { name: 'Markdown', extensions: ['md'] },
  'text/html': { name: 'HTML', extensions: ['html'] },
  'text/x-diff': { name: 'Patch', extensions: ['patch'] },
  'application/json': { name: 'JSON', extensions: ['json'] },
  'text/plain': { name: 'Text', extensions: ['txt'] },
  'application/pdf': { name: 'PDF', extensions: ['pdf'] },
  'application/zip': { name: 'Zip archive', extensions: ['zip'] },
}

type Channel = keyof typeof BOOTLAB_CHANNELS
export type Handlers = { [K in Channel]: (...raw: unknown[]) => ReturnType<BootlabApi[K]> }

export function createHandlers(host: HostServices): Handlers {
  return {
    loadKernelResources: (...raw) => host.readKernelResources(...ipcArguments('loadKernelResources', raw)),
    listLabs: (...raw) => host.listLabs(...ipcArguments('listLabs', raw)),
    loadLab: (...raw) => host.loadLab(...ipcArguments('loadLab', raw)),
    loadPolicy: (...raw) => host.loadPolicy(...ipcArguments('loadPolicy', raw)),
    savePolicy: (...raw) => host.savePolicy(...ipcArguments('savePolicy', raw)),
    loadProgress: (...raw) => host.loadProgress(...ipcArguments('loadProgress', raw)),
    saveProgress: (...raw) => host.saveProgress(...ipcArguments('saveProgress', raw)),
    exportFile: async (...raw) => {
      const [request] = ipcArguments('exportFile', raw)
      const path = await host.chooseSavePath(request.suggestedName, EXPORT_FILTERS[request.mimeType])
      if (!path) return { saved: false }
      await host.writeFileAtomic(path, request.mimeType === 'application/zip' ? request.bytes : request.text)
      return { saved: true, location: path }
    },
    exportPdf: async (...raw) => {
      const [request] = ipcArguments('exportPdf', raw)
      // Render first: a failed render must not leave the learner with a chosen but empty file.
      const pdf = await host.printToPdf(request.html)
      const path = await host.chooseSavePath(request.suggestedName, EXPORT_FILTERS['application/pdf'])
      if (!path) return { saved: false }
      await host.writeFileAtomic(path, pdf)
      return { saved: true, location: path }
    },
    openExternal: (...raw) => host.openExternal(...ipcArguments('openExternal', raw)),
  }
}

/** What the sender check reads of an IPC event. */
export interface IpcSender {
  sender: unknown
  senderFrame?: { url?: string } | null
}

/** Wraps each handler so that only the app's own page in the app's own window may call it. */
export function guardHandlers(handlers: Handlers, appContents: () => unknown, rendererUrl: string): { [K in Channel]: (event: IpcSender, ...raw: unknown[]) => ReturnType<Handlers[K]> } {
  const guarded = {} as { [K in Channel]: (event: IpcSender, ...raw: unknown[]) => ReturnType<Handlers[K]> }
  for (const method of Object.keys(handlers) as Channel[]) {
    guarded[method] = ((event: IpcSender, ...raw: unknown[]) => {
      if (event.sender !== appContents() || !isTrustedSender(event.senderFrame?.url, rendererUrl)) {
        throw new Error(`${method}: IPC from an untrusted sender`)
      }
      return handlers[method](...raw)
    }) as never
  }
  return guarded
}
