/*
 * Web mode for an installed package: the built renderer (out/renderer) served on
 * 127.0.0.1 with the app's CSP as a header, through the same confined file
 * lookup the desktop app's app:// protocol uses.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { APP_HOST, APP_SCHEME, appResponse } from '../node/app-protocol'

export interface RunningServer {
  url: string
  close(): Promise<void>
}

export async function serveRenderer(rendererDir: string, contentSecurityPolicy: string, port: number): Promise<RunningServer> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    void appResponse(rendererDir, `${APP_SCHEME}://${APP_HOST}${request.url ?? '/'}`, contentSecurityPolicy).then(
      ({ status, headers, body }) => response.writeHead(status, headers).end(request.method === 'HEAD' ? undefined : body),
      () => response.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error'),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const { port: boundPort } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${boundPort}/`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // A browser keeps idle connections open, which would hold close() forever.
        server.closeAllConnections()
      }),
  }
}
