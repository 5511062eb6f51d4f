/*
 * `bootlab app`: the desktop app when an Electron binary can be found, otherwise
 * the same built renderer served to the browser (one line says why).
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { ELECTRON_MISSING_MESSAGE, findElectronBinary } from '../node/electron-binary.mjs'
import { serveRenderer } from './web-server'

/** src/renderer/index.html's CSP, put here by vite.cli.config.ts (the desktop app sends the same). */
declare const __BOOTLAB_CSP__: string

function runDesktop(electronBinary: string, root: string): Promise<number> {
  // Electron starts the app whose package.json is in `root` (its main is out/main/index.js).
  const child = spawn(electronBinary, [root], { stdio: 'inherit' })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}

async function serveInBrowser(root: string, port: number, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  out(ELECTRON_MISSING_MESSAGE)
  let server
  try {
    server = await serveRenderer(join(root, 'out', 'renderer'), __BOOTLAB_CSP__, port)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    err(`bootlab: port ${port} is in use (BootLab may already be running at http://127.0.0.1:${port}/); pass --port <n> to use another`)
    return 3
  }
  out(`BootLab (web mode): ${server.url}  (Ctrl+C stops it)`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await server.close()
  return 0
}

export function runApp(root: string, port: number, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const electronBinary = findElectronBinary(root)
  return electronBinary ? runDesktop(electronBinary, root) : serveInBrowser(root, port, out, err)
}
