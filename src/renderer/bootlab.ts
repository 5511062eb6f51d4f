/*
 * The window.bootlab the renderer uses: Electron's preload when present,
 * otherwise the browser implementation (loaded only in web mode).
 */
import type { BootlabApi } from '../shared/bootlab-api'

export async function connectBootlab(): Promise<BootlabApi> {
  if (window.bootlab) return window.bootlab
  const { createWebApi } = await import('./web-api')
  return createWebApi()
}
