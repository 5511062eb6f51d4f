/*
 * Serves the built renderer as app://bootlab/... instead of file://. A
 * standard, secure scheme gives the page a real origin (so 'self' in the CSP,
 * module workers and fetch of the .wasm files behave as on the web) and lets
 * the handler confine requests to out/renderer and attach the CSP header.
 * Plain Node; src/main/index.ts registers it with Electron's protocol module.
 */
import { readFile } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'

export const APP_SCHEME = 'app'
export const APP_HOST = 'bootlab'
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

/** The file under `root` an app:// URL names, or null when the URL is not ours or would leave `root`. */
export function appFilePath(root: string, url: string): string | null {
  let parsed: URL
  let path: string
  try {
    parsed = new URL(url)
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return null
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null
  const base = resolve(root)
  const file = resolve(base, `.${path === '/' ? '/index.html' : path}`)
  return file.startsWith(base + sep) ? file : null
}

export interface AppResponse {
  status: number
  headers: Record<string, string>
  body: Uint8Array<ArrayBuffer> | string
}

/** The response to an app:// request: the file with its type and the CSP, or 404. */
export async function appResponse(root: string, url: string, contentSecurityPolicy: string): Promise<AppResponse> {
  const file = appFilePath(root, url)
  const type = file ? CONTENT_TYPES[extname(file)] : undefined
  const body = file && type ? await readFile(file).catch(() => null) : null
  if (!body || !type) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'not found' }
  return { status: 200, headers: { 'Content-Type': type, 'Content-Security-Policy': contentSecurityPolicy }, body }
}
