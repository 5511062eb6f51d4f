/*
 * Which pages and requests belong to the app. The renderer is either the
 * electron-vite dev server (development) or out/renderer/index.html on disk;
 * nothing else may call IPC, be navigated to, or be fetched.
 */

function parse(url: string | undefined): URL | null {
  if (!url) return null
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/** Only the app's own page may call IPC: the dev server origin, or the built index.html itself. */
export function isTrustedSender(frameUrl: string | undefined, rendererUrl: string): boolean {
  const frame = parse(frameUrl)
  const expected = parse(rendererUrl)
  if (!frame || !expected) return false
  if (expected.protocol === 'file:') return frame.protocol === 'file:' && frame.pathname === expected.pathname
  return frame.origin === expected.origin
}

/** Requests the app makes for itself: its own files, the dev server, inline data and blobs (Monaco workers, fonts). */
export function isAppRequest(requestUrl: string, rendererUrl: string): boolean {
  const request = parse(requestUrl)
  const expected = parse(rendererUrl)
  if (!request || !expected) return false
  if (request.protocol === 'data:' || request.protocol === 'blob:' || request.protocol === 'devtools:') return true
  if (expected.protocol === 'file:') {
    const appFolder = expected.pathname.slice(0, expected.pathname.lastIndexOf('/') + 1)
    return request.protocol === 'file:' && request.pathname.startsWith(appFolder)
  }
  // The dev server's HMR socket is ws:// on the same host and port.
  const sameHostSocket = (request.protocol === 'ws:' || request.protocol === 'wss:') && request.host === expected.host
  return request.origin === expected.origin || sameHostSocket
}
