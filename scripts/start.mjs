#!/usr/bin/env node
// `npm start`: the desktop app when the Electron binary is installed, otherwise the same app in the browser.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { createServer } from 'vite'
import { ELECTRON_MISSING_MESSAGE, findElectronBinary } from '../src/node/electron-binary.mjs'

const root = join(import.meta.dirname, '..')

function runDesktop() {
  const cli = createRequire(import.meta.url).resolve('electron-vite/bin/electron-vite.js')
  const child = spawn(process.execPath, [cli, 'preview'], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

async function serveWeb() {
  console.log(ELECTRON_MISSING_MESSAGE)
  const server = await createServer({ configFile: join(root, 'vite.renderer.config.ts'), logLevel: 'warn' })
  await server.listen()
  console.log(`BootLab (web mode): ${server.resolvedUrls.local[0]}`)
  const stop = async () => {
    await server.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

if (findElectronBinary(root)) runDesktop()
else await serveWeb()
