/*
 * Which pages and requests belong to the app. The renderer is either the
 * electron-vite dev server (development) or app://bootlab (built, see
 * src/node/app-protocol.ts); nothing else may call IPC or be fetched.
 */

function parse(url: string | undefined): URL | null {
  if (!url) return null
  try {
    return new URL(url)
  } catch {
    return null
  }
}

// URL.origin is "null" for custom schemes such as app:, so compare scheme and host:port directly.
const sameSite = (a: URL, b: URL) => a.protocol === b.protocol && a.host === b.host

/** Only the app's own page may call IPC. */
export function isTrustedSender(frameUrl: string | undefined, rendererUrl: string): boolean {
  const frame = parse(frameUrl)
  const expected = parse(rendererUrl)
  return !!frame && !!expected && sameSite(frame, expected)
}

/** Requests the app makes for itself: its own pages, inline data and blobs (Monaco), the dev server's HMR socket. */
export function isAppRequest(requestUrl: string, rendererUrl: string): boolean {
  const request = parse(requestUrl)
  const expected = parse(rendererUrl)
  if (!request || !expected) return false
  if (request.protocol === 'data:' || request.protocol === 'blob:' || request.protocol === 'devtools:') return true
  const hmrSocket = expected.protocol === 'http:' && request.protocol === 'ws:' && request.host === expected.host
  return sameSite(request, expected) || hmrSocket
}
