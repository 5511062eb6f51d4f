// Where the Electron binary is, without triggering the electron package's lazy download.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** What `npm start` and `bootlab app` say, in one line, before serving the app to a browser instead. */
export const ELECTRON_MISSING_MESSAGE =
  'The Electron binary is not installed (it is fetched from the internet on first use), so the same app is served in the browser instead.'

/**
 * The executable `require('electron')` would return, or null when it is not installed
 * (electron ≥42 fetches it from the internet on first use; this never does).
 * @param {string} root the folder holding BootLab's package.json (a checkout or an installed package)
 * @returns {string | null}
 */
export function findElectronBinary(root) {
  const override = process.env.ELECTRON_EXEC_PATH
  if (override) return existsSync(override) ? override : null
  let electronDir
  try {
    // Resolved like an import, so an installed bootlab also finds an electron installed beside it.
    electronDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'))
  } catch {
    return null
  }
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}
