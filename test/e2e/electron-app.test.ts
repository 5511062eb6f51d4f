/*
 * The desktop app in Electron, driven by playwright-core's _electron. Needs the
 * Electron binary, which electron ≥42 downloads on first use; where it is not
 * installed the test says so and skips (this never triggers the download).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'electron-vite'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findElectronBinary } from '../../src/node/electron-binary.mjs'
import { ARTIFACTS } from './chromium'

const ROOT = join(import.meta.dirname, '../..')
const electronBinary = findElectronBinary(ROOT)

/** This environment without the dev server URL, so main loads the built renderer. */
function builtAppEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'ELECTRON_RENDERER_URL') env[key] = value
  return env
}

if (!electronBinary) {
  describe('desktop app in Electron', () => {
    const reason = 'Electron binary not installed here (electron fetches it from the internet on first use)'
    it(`skipped: ${reason}`, (context) => {
      // Default reporters do not print skipped test names; say it where a CI log shows it.
      console.warn(`${context.task.suite?.name} skipped: ${reason}`)
      context.skip(reason)
    })
  })
} else {
  describe('desktop app in Electron', () => {
    let app: ElectronApplication
    let page: Page
    const configHome = mkdtempSync(join(tmpdir(), 'bootlab-electron-'))

    beforeAll(async () => {
      await build({ configFile: join(ROOT, 'electron.vite.config.ts'), logLevel: 'warn' })
      app = await _electron.launch({
        executablePath: electronBinary,
        // Chromium refuses to start as root with its OS sandbox; the renderer stays sandboxed by webPreferences.
        args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT],
        // userData lives under XDG_CONFIG_HOME on Linux: keep the test's saves out of the real profile.
        env: { ...builtAppEnv(), XDG_CONFIG_HOME: configHome },
      })
      page = await app.firstWindow()
    })

    afterAll(async () => {
      await app?.close()
      rmSync(configHome, { recursive: true, force: true })
    })

    it('opens one window whose page has no Node and cannot open windows', async () => {
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
      // contextBridge refuses to run without contextIsolation, so a working window.bootlab proves it is on.
      expect(await page.evaluate(() => typeof window.bootlab?.loadKernelResources)).toBe('function')
      expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual([
        'undefined',
        'undefined',
      ])
      expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true)
    })

    it('boots the base kernel through window.bootlab over IPC', async () => {
      expect(await page.evaluate(() => window.bootlab?.host)).toBe('electron')
      await expect.poll(() => page.getByTestId('verdict').getAttribute('data-status'), { timeout: 20_000 }).not.toBe('booting')
      expect(await page.getByLabel('Kernel policy', { exact: true }).inputValue()).toBe('unpatched.c')
      await page.screenshot({ path: join(ARTIFACTS, 'electron-workbench.png') })
    })
  })
}
