/*
 * The Content-Security-Policy (extends test/renderer/csp.test.ts): what it
 * allows, directive by directive; that every host of the page sends it as a
 * header (the desktop app's app://, the installed web mode, Vite's dev and
 * preview servers); and, in Chromium, that it stops an injected inline script,
 * a remote image and a remote fetch.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import electronConfig from '../../electron.vite.config'
import rendererConfig, { CONTENT_SECURITY_POLICY, cspHeaders } from '../../vite.renderer.config'
import { appResponse } from '../../src/node/app-protocol'
import { serveRenderer } from '../../src/cli/web-server'
import { chromiumMissing, launchChromium } from '../e2e/chromium'

const directives = new Map(
  CONTENT_SECURITY_POLICY.split(';')
    .map((d) => d.trim().split(/\s+/))
    .filter((d) => d[0])
    .map(([name, ...sources]) => [name, sources]),
)

describe('the CSP, directive by directive', () => {
  it('everything defaults to the app itself', () => {
    expect(directives.get('default-src')).toEqual(["'self'"])
  })

  it('scripts only from the app, no inline script and no eval; WebAssembly may compile', () => {
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"])
  })

  it('no plugins, no <base>, no form submissions', () => {
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('base-uri')).toEqual(["'none'"])
    expect(directives.get('form-action')).toEqual(["'none'"])
  })

  it('no directive names another origin, a scheme that reaches one, or a wildcard', () => {
    for (const [name, sources] of directives) {
      for (const source of sources) expect(`${name} ${source}`).not.toMatch(/https?:|wss?:|\*|filesystem:|'unsafe-eval'|'unsafe-hashes'/)
    }
    expect(directives.has('connect-src')).toBe(false)
  })
})

describe('every host sends the CSP as a header', () => {
  const root = mkdtempSync(join(tmpdir(), 'bootlab-csp-'))
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>')
  writeFileSync(join(root, 'assets', 'boot.worker.js'), 'self.onmessage = () => {}')

  it('the desktop app (app://), for pages and for the worker script', async () => {
    for (const url of ['app://bootlab/index.html', 'app://bootlab/assets/boot.worker.js']) {
      expect((await appResponse(root, url, CONTENT_SECURITY_POLICY)).headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY)
    }
    expect((electronConfig as { main: { define: Record<string, string> } }).main.define.__BOOTLAB_CSP__).toBe(JSON.stringify(CONTENT_SECURITY_POLICY))
    expect((electronConfig as { renderer: { server: { headers: unknown } } }).renderer.server.headers).toBe(cspHeaders)
  })

  it('Vite’s dev and preview servers', () => {
    const config = rendererConfig as { server: { headers: unknown }; preview: { headers: unknown } }
    expect(config.server.headers).toEqual({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY })
    expect(config.preview.headers).toEqual({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY })
  })

  it('the installed web mode (bootlab app without Electron)', async () => {
    const server = await serveRenderer(root, CONTENT_SECURITY_POLICY, 0)
    try {
      for (const path of ['', 'assets/boot.worker.js']) {
        expect((await fetch(server.url + path)).headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
      }
    } finally {
      await server.close()
    }
  })
})

describe('in Chromium, the CSP', () => {
  it('blocks an injected inline script, a remote image and a remote fetch', async (context) => {
    const missing = chromiumMissing()
    if (missing) context.skip(missing)
    const root = mkdtempSync(join(tmpdir(), 'bootlab-csp-page-'))
    writeFileSync(
      join(root, 'index.html'),
      `<!doctype html><title>x</title><script>window.inlineRan = true</script><img src="https://evil.example/pixel.png"><script type="module" src="./probe.js"></script>`,
    )
    writeFileSync(join(root, 'probe.js'), `fetch('https://evil.example/x').then(() => { window.fetched = 'yes' }, () => { window.fetched = 'blocked' })`)
    const server = await serveRenderer(root, CONTENT_SECURITY_POLICY, 0)
    const browser = await launchChromium()
    try {
      const page = await browser.context.newPage()
      const violations: string[] = []
      page.on('console', (m) => {
        if (/Content Security Policy/.test(m.text())) violations.push(m.text())
      })
      // Chromium reports a request the CSP then blocks; what matters is that none reaches the network.
      const remote: string[] = []
      page.on('requestfinished', (r) => {
        if (!r.url().startsWith(server.url)) remote.push(r.url())
      })
      await page.goto(server.url)
      await page.waitForFunction(() => (window as { fetched?: string }).fetched !== undefined)
      expect(await page.evaluate(() => ({ inline: (window as { inlineRan?: boolean }).inlineRan, fetched: (window as { fetched?: string }).fetched }))).toEqual({ inline: undefined, fetched: 'blocked' })
      expect(remote).toEqual([])
      expect(violations.length).toBeGreaterThanOrEqual(3)
    } finally {
      await browser.close()
      await server.close()
    }
  })
})
