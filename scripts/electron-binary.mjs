// Where the Electron binary is, without triggering the electron package's lazy download.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The executable `require('electron')` would return, or null when it is not installed
 * (electron ≥42 fetches it from the internet on first use; this never does).
 * @param {string} root the repository root
 * @returns {string | null}
 */
export function findElectronBinary(root) {
  const override = process.env.ELECTRON_EXEC_PATH
  if (override) return existsSync(override) ? override : null
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}
