/*
 * The native installers' configuration (electron-builder.yml), checked offline:
 * electron-builder's own schema accepts it, each platform gets its installer and
 * the app icon, and app.asar takes built files only. Building the installers
 * needs the Electron binary from the internet (README, "Install"); the file list
 * of a packaged app is asserted in npm-package.test.ts, after its build.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util'
import type { Configuration } from 'electron-builder'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')

function pngSize(file: string): { width: number; height: number } {
  const png = readFileSync(file)
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG')
  // The IHDR chunk comes first: width and height are its first two 32-bit fields.
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

const targetsOf = (target: unknown): string[] => [target].flat().map((t) => (typeof t === 'string' ? t : (t as { target: string }).target))

describe('electron-builder configuration', () => {
  let config: Configuration

  beforeAll(async () => {
    config = await getConfig(ROOT, null, null)
  })

  it("passes electron-builder's own schema validation", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('is really validated: a misspelt option is rejected', async () => {
    const misspelt = { ...config, linux: { ...config.linux, targets: ['AppImage'] } } as Configuration
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(/does not match the API schema/)
  })

  it('flips the Electron fuses: no run-as-Node, NODE_OPTIONS or --inspect; app code only from a checked app.asar (issue 11, item 10)', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    })
    // Only loading from app.asar needs the app packed into one.
    expect(config.asar ?? true).toBe(true)
  })

  it('builds AppImage and .deb on Linux, .dmg on macOS, NSIS on Windows', () => {
    expect(config.appId).toBe('org.bootlab.desktop')
    expect(config.productName).toBe('BootLab')
    expect(targetsOf(config.linux?.target)).toEqual(['AppImage', 'deb'])
    expect(targetsOf(config.mac?.target)).toEqual(['dmg'])
    expect(targetsOf(config.win?.target)).toEqual(['nsis'])
  })

  it('gives the .deb the project URL it requires, and Linux windows the app_id of their .desktop entry', () => {
    expect(config.extraMetadata?.homepage).toMatch(/^https:\/\//)
    expect(config.extraMetadata?.desktopName).toBe('bootlab.desktop')
    expect(config.linux?.syncDesktopName).toBe(true)
  })

  it('uses the app icon from resources/: a 512×512 PNG drawn from resources/icon.svg', () => {
    for (const platform of [config.linux, config.mac, config.win]) expect(platform?.icon).toBe('resources/icon.png')
    expect(pngSize(join(ROOT, 'resources/icon.png'))).toEqual({ width: 512, height: 512 })
    expect(readFileSync(join(ROOT, 'resources/icon.svg'), 'utf8')).toMatch(/<svg[^>]+viewBox="0 0 512 512"/)
  })

  it('puts only built output into app.asar, and resources/ and labs/ where src/main looks for them', () => {
    const files = (config.files as { filter: string[] }[]).flatMap((set) => set.filter)
    expect(files.filter((pattern) => !pattern.startsWith('!'))).toEqual(['package.json', 'out/main/**', 'out/preload/**', 'out/renderer/**'])
    expect(files).toContain('!**/*.map')
    // src/main/index.ts: a packaged app reads resources/ and labs/ from process.resourcesPath.
    expect(config.extraResources).toEqual([
      { from: 'resources', to: 'resources', filter: ['policies/**', 'scenarios/**'] },
      { from: 'labs', to: 'labs' },
    ])
  })
})
