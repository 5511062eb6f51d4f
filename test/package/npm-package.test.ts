/*
 * What a newcomer or a CI runner does, with no source checkout: `npm pack`, then
 * `npm install <tgz>` into an empty folder, then the `bootlab` command from there.
 * The pack runs the prepack build once; the installs fetch the dependencies from
 * the npm registry. The same build is then packaged by electron-builder around a
 * stand-in Electron (the real binary cannot be fetched offline) to assert what an
 * installer would carry.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { listPackage } from '@electron/asar'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { CONTENT_SECURITY_POLICY } from '../../vite.renderer.config'
import { ARTIFACTS, chromiumMissing, launchChromium } from '../e2e/chromium'
import { withPackLock } from './pack-lock'

const ROOT = join(import.meta.dirname, '../..')
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> }
/** The prepack build and an install from the registry take a while; a slow registry should not fail the suite. */
const PACK_AND_INSTALL_TIMEOUT = 5 * 60_000
const COMMAND_TIMEOUT = 60_000
const MANIFEST_NAMES = ['lab.yaml', 'lab.yml', 'lab.json']

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

interface PackResult {
  filename: string
  size: number
  unpackedSize: number
  files: { path: string; size: number }[]
}

/** This environment as a user's shell has it: without npm's per-script variables or an Electron override. */
/** The installed command's disk cache (src/node/compile-cache.ts), fresh for this file. */
const CACHE_DIR = mkdtempSync(join(tmpdir(), 'bootlab-cache-'))

function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { BOOTLAB_CACHE_DIR: CACHE_DIR }
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'ELECTRON_EXEC_PATH' && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value
  }
  return env
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: userEnv() })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Every file below `dir`, '/'-separated and relative to `base`, skipping dotfiles as npm does. */
function filesUnder(dir: string, base = ROOT): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name), base) : [relative(base, join(dir, entry.name)).split(sep).join('/')]))
}

/** The repository's labs with a manifest and a reference solution, as `bootlab labs` should list them. */
function bundledLabs(): { id: string; title: string }[] {
  const labsDir = join(ROOT, 'labs')
  if (!existsSync(labsDir)) return []
  return readdirSync(labsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(labsDir, entry.name, 'solution.c')))
    .flatMap((entry) => {
      const manifest = MANIFEST_NAMES.map((name) => join(labsDir, entry.name, name)).find(existsSync)
      return manifest ? [{ id: entry.name, title: (parseYaml(readFileSync(manifest, 'utf8')) as { title: string }).title }] : []
    })
    .sort((a, b) => a.id.localeCompare(b.id))
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1)

let work: string
let packed: PackResult
let tarball: string

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'bootlab-package-'))
  const started = Date.now()
  const pack = await withPackLock(() => run('npm', ['pack', '--json', '--pack-destination', work], ROOT))
  expect(pack.code, pack.stderr).toBe(0)
  ;[packed] = JSON.parse(pack.stdout) as PackResult[]
  tarball = join(work, packed.filename)
  console.log(`npm pack (prepack build included): ${seconds(started)} s, ${packed.filename}: ${packed.files.length} files, ${(packed.size / 1e6).toFixed(2)} MB packed, ${(packed.unpackedSize / 1e6).toFixed(2)} MB unpacked`)
}, PACK_AND_INSTALL_TIMEOUT)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('npm pack: the files that ship', () => {
  const paths = () => packed.files.map((f) => f.path)

  it('is bootlab at the version of package.json, with the bootlab command', () => {
    expect(packed.filename).toBe(`${PACKAGE.name}-${PACKAGE.version}.tgz`)
    expect(PACKAGE.bin).toEqual({ bootlab: 'bin/bootlab.mjs' })
    expect(paths()).toContain('bin/bootlab.mjs')
  })

  it('carries the built command line, desktop app and renderer, with both wasm files', () => {
    expect(paths()).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'out/cli/bootlab.mjs', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']),
    )
    expect(paths().filter((p) => p.endsWith('.wasm')).map((p) => p.replace(/-[\w-]{8}\.wasm$/, '.wasm'))).toEqual(
      expect.arrayContaining(['out/renderer/assets/web-tree-sitter.wasm', 'out/renderer/assets/tree-sitter-c.wasm']),
    )
  })

  it('carries every bundled policy, scenario and lab file', () => {
    const expected = [...filesUnder(join(ROOT, 'resources/policies')), ...filesUnder(join(ROOT, 'resources/scenarios')), ...filesUnder(join(ROOT, 'labs'))]
    expect(expected.length).toBeGreaterThan(10)
    expect(paths()).toEqual(expect.arrayContaining(expected))
  })

  it('carries no sources, tests, source maps or TypeScript, and nothing outside the allow-list', () => {
    const shipped = /^(bin|out\/(cli|main|preload|renderer)|resources|labs)\/|^(package\.json|README\.md|LICENSE)$/
    expect(paths().filter((p) => !shipped.test(p))).toEqual([])
    expect(paths().filter((p) => /\.(map|ts|mts|vue|tgz)$/.test(p))).toEqual([])
  })

  it('stays small (a stray node_modules or installer would not)', () => {
    expect(packed.unpackedSize).toBeLessThan(20e6)
  })
})

describe('installed with `npm install <tgz>` into an empty folder', () => {
  let project: string
  let installed: string
  // --no: never fetch a registry package of that name instead; --: what follows is bootlab's, not npx's (--version, --help).
  const bootlab = (...args: string[]) => run('npx', ['--no', '--', 'bootlab', ...args], project)

  beforeAll(async () => {
    project = join(work, 'project')
    mkdirSync(project)
    // A package.json of its own keeps npm from looking for one in a parent folder.
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bootlab-install-check', private: true }))
    const started = Date.now()
    const install = await run('npm', ['install', '--no-audit', '--no-fund', tarball], project)
    expect(install.code, install.stderr).toBe(0)
    installed = join(project, 'node_modules', 'bootlab')
    console.log(`npm install of the tarball (dependencies from the registry): ${seconds(started)} s`)
  }, PACK_AND_INSTALL_TIMEOUT)

  it('bootlab --version prints the version', async () => {
    const r = await bootlab('--version')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.trim()).toBe(PACKAGE.version)
  }, COMMAND_TIMEOUT)

  it('bootlab --help shows the commands with examples', async () => {
    const r = await bootlab('--help')
    expect(r.code).toBe(0)
    for (const text of ['bootlab [app]', 'bootlab boot', 'bootlab labs', 'examples:', 'bootlab boot --scenario realm --policy series']) expect(r.stdout).toContain(text)
  }, COMMAND_TIMEOUT)

  it('bootlab labs lists the bundled labs by id and title', async () => {
    const r = await bootlab('labs')
    expect(r.code, r.stderr).toBe(0)
    const labs = bundledLabs()
    if (labs.length === 0) expect(r.stdout.trim()).toBe('No labs are bundled with this build.')
    for (const lab of labs) expect(r.stdout).toMatch(new RegExp(`^${lab.id} +${lab.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'))
  }, COMMAND_TIMEOUT)

  it('bootlab boot --scenario realm --policy series boots cleanly (exit 0)', async () => {
    const entries = () => readdirSync(CACHE_DIR).filter((f) => f.endsWith('.v8')).length
    const before = entries()
    const r = await bootlab('boot', '--scenario', 'realm', '--policy', 'series')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('Run /sbin/init as init process')
    expect(r.stdout).toMatch(/^== series on realm\nBOOTED: /m)
    // The base kernel, the bundled kernel state linked over it and the scenario it validated are
    // kept for the next cold start (the built code is chunks of out/cli/assets, .js files: it once
    // refused to name itself and never cached).
    expect(entries() - before).toBe(3)
  }, COMMAND_TIMEOUT)

  it("bootlab boot passes the command line's exit status through (2: the unpatched realm guest fails)", async () => {
    const r = await bootlab('boot', '--scenario', 'realm', '--policy', 'unpatched')
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(/^FAILED: /m)
  }, COMMAND_TIMEOUT)

  it("grades a lab's reference solution from the installed package (exit 0)", async (context) => {
    const help = await bootlab('boot', '--help')
    const [lab] = bundledLabs()
    if (!help.stdout.includes('--lab') || !lab) context.skip('this build has no labs to grade yet')
    const r = await bootlab('boot', '--lab', lab.id, '--policy', join(installed, 'labs', lab.id, 'solution.c'))
    expect(r.code, r.stdout + r.stderr).toBe(0)
  }, COMMAND_TIMEOUT)

  it('writes the lab report (--report) from the installed package', async () => {
    const report = join(work, 'report.html')
    const r = await bootlab('boot', '--scenario', 'realm', '--policy', 'series', '--report', report)
    expect(r.code, r.stderr).toBe(0)
    expect(readFileSync(report, 'utf8')).toMatch(/^<!doctype html>/i)
  }, COMMAND_TIMEOUT)

  it('resolves both tree-sitter wasm files from the installed dependencies', () => {
    const require = createRequire(join(installed, 'package.json'))
    expect(existsSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'))).toBe(true)
    expect(existsSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'))).toBe(true)
  })

  describe('bootlab app, where there is no Electron binary', () => {
    let app: ChildProcess
    let firstLines: string[]
    let url: string
    let exited: Promise<number | null>

    beforeAll(async () => {
      // Port 0: any free port, so a BootLab the developer is running does not clash.
      app = spawn(process.execPath, [join(installed, PACKAGE.bin.bootlab), 'app', '--port', '0'], { cwd: project, env: userEnv() })
      exited = new Promise((resolve) => app.once('exit', (code) => resolve(code)))
      let stdout = ''
      await new Promise<void>((resolve, reject) => {
        app.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk
          if (/http:\/\/\S+/.test(stdout)) resolve()
        })
        void exited.then((code) => reject(new Error(`bootlab app exited (${code}) before serving: ${stdout}`)))
      })
      firstLines = stdout.trim().split('\n')
      url = /http:\/\/\S+/.exec(stdout)![0]
    }, COMMAND_TIMEOUT)

    afterAll(() => {
      if (app.exitCode === null) app.kill()
    })

    it('says in one line why, then where the app is served', () => {
      expect(firstLines).toHaveLength(2)
      expect(firstLines[0]).toBe('The Electron binary is not installed (it is fetched from the internet on first use), so the same app is served in the browser instead.')
      expect(firstLines[1]).toMatch(/^BootLab \(web mode\): http:\/\/127\.0\.0\.1:\d+\//)
    })

    it("serves the built renderer and its wasm with the app's CSP, and nothing outside it", async () => {
      const page = await fetch(url)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
      const html = await page.text()
      expect(html).toContain('<div id="app">')
      const wasm = packed.files.map((f) => f.path).find((p) => /^out\/renderer\/assets\/tree-sitter-c-.*\.wasm$/.test(p))!
      const grammar = await fetch(new URL(wasm.slice('out/renderer/'.length), url))
      expect(grammar.headers.get('content-type')).toBe('application/wasm')
      expect((await fetch(new URL('%2e%2e/%2e%2e/package.json', url))).status).toBe(404)
    })

    it('the served app boots a policy in Chromium', async (context) => {
      const missing = chromiumMissing()
      if (missing) context.skip(missing)
      const browser = await launchChromium()
      try {
        const page: Page = await browser.context.newPage()
        const errors: string[] = []
        page.on('pageerror', (error) => errors.push(error.message))
        await page.goto(url)
        await page.locator('[data-testid="verdict"][data-settled="true"]').waitFor({ timeout: 30_000 })
        await page.screenshot({ path: join(ARTIFACTS, 'installed-web-app.png') })
        expect(await page.getByTestId('verdict').getAttribute('data-status')).toMatch(/^(booted|booted-with-warnings|failed)$/)
        expect(errors).toEqual([])
      } finally {
        await browser.close()
      }
    }, COMMAND_TIMEOUT)

    it('stops cleanly on SIGTERM', async () => {
      app.kill('SIGTERM')
      expect(await exited).toBe(0)
    })
  })
})

describe('installed with `npm install -g <tgz>` (the README path)', () => {
  let prefix: string

  beforeAll(async () => {
    prefix = join(work, 'global')
    const install = await run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', tarball], work)
    expect(install.code, install.stderr).toBe(0)
  }, PACK_AND_INSTALL_TIMEOUT)

  it('bootlab boot --scenario realm --policy series boots cleanly from the global bin', async () => {
    const r = await run(join(prefix, 'bin', 'bootlab'), ['boot', '--scenario', 'realm', '--policy', 'series'], work)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^BOOTED: /m)
  }, COMMAND_TIMEOUT)
})

describe('the desktop app as electron-builder packages it (stand-in Electron)', () => {
  let appDir: string

  beforeAll(async () => {
    // The real binary comes from the internet; packaging itself only needs a folder with an `electron` executable.
    const standInElectron = join(work, 'stand-in-electron')
    mkdirSync(standInElectron)
    writeFileSync(join(standInElectron, 'electron'), '#!/bin/sh\n')
    chmodSync(join(standInElectron, 'electron'), 0o755)
    const output = join(work, 'installers')
    // The stand-in has no fuse sentinel to flip: package with the real configuration minus electronFuses.
    const config = parseYaml(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>
    delete config.electronFuses
    const configFile = join(work, 'electron-builder.json')
    writeFileSync(configFile, JSON.stringify({ ...config, electronDist: standInElectron, directories: { output } }))
    const r = await run('npx', ['--no', '--', 'electron-builder', '--linux', 'dir', '--config', configFile], ROOT)
    expect(r.code, r.stdout + r.stderr).toBe(0)
    appDir = join(output, 'linux-unpacked')
  }, PACK_AND_INSTALL_TIMEOUT)

  it('app.asar holds the built app and the runtime dependencies, no sources, tests or maps', () => {
    const files = listPackage(join(appDir, 'resources', 'app.asar'), { isPack: false }).map((p) => p.split(sep).join('/'))
    expect(files).toEqual(expect.arrayContaining(['/package.json', '/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/node_modules/web-tree-sitter/web-tree-sitter.wasm']))
    expect(files.filter((p) => /\.wasm$/.test(p) && p.startsWith('/out/renderer/'))).toHaveLength(2)
    expect(files.filter((p) => !p.startsWith('/node_modules/') && /^\/(src|test|docs|bench|scripts|labs|resources)(\/|$)/.test(p))).toEqual([])
    expect(files.filter((p) => /\.(map|node)$/.test(p) || (!p.startsWith('/node_modules/') && /\.(ts|vue)$/.test(p)))).toEqual([])
  })

  it('resources/ and labs/ sit in the resources folder, where a packaged app reads them', () => {
    const resources = join(appDir, 'resources')
    const beside = (dir: string) => filesUnder(join(resources, dir), resources).sort()
    expect(beside('resources')).toEqual([...filesUnder(join(ROOT, 'resources/policies')), ...filesUnder(join(ROOT, 'resources/scenarios'))].sort())
    expect(beside('labs')).toEqual(filesUnder(join(ROOT, 'labs')).sort())
  })
})
