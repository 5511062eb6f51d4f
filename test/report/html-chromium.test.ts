/*
 * The HTML report opened in Chromium (Debian's, through playwright-core): it
 * makes no network request — checked with its Content-Security-Policy removed
 * too, so a stray URL would really be fetched rather than blocked — shows every
 * section, and its SVGs parse as XML. The screenshot goes to test/artifacts/.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BrowserContext, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BootResult } from '../../src/core'
import { compareBoots } from '../../src/report/compare'
import { type ReportInput, SECTIONS } from '../../src/report/content'
import { renderHtml } from '../../src/report/html'
import { kernelImageAlias, memoryMapSvg } from '../../src/report/svg-memory-map'
import { timelineSvg } from '../../src/report/svg-timeline'
import { ARTIFACTS, chromiumMissing, launchChromium } from '../e2e/chromium'
import { bootWith } from '../helpers/boot'
import { PATCHED_V2, swiotlbInPreinit } from './policies'

const missing = chromiumMissing()
if (missing && process.env.CI === 'true') throw new Error(`CI must run the browser tests, but ${missing}`)

const LOCAL = /^(data|file|about):/

/** Open `html` from a file and list every request for anything not data:, file: or about:. */
async function openAndRecord(context: BrowserContext, html: string, screenshot?: string): Promise<{ external: string[]; errors: string[]; sections: string[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'bootlab-report-')), 'report.html')
  writeFileSync(file, html)
  const external: string[] = []
  const errors: string[] = []
  // On the context, so requests from any page or worker it opens count too.
  const record = (request: Request) => {
    if (!LOCAL.test(request.url())) external.push(request.url())
  }
  context.on('request', record)
  const page = await context.newPage()
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
  // Give lazy loads (fonts, images) a moment to start if anything asked for them.
  await page.waitForTimeout(300)
  const sections = await page.locator('section').evaluateAll((all) => all.map((s) => s.id))
  if (screenshot) await page.screenshot({ path: join(ARTIFACTS, screenshot), fullPage: true })
  await page.close()
  context.off('request', record)
  return { external, errors, sections }
}

if (missing) {
  describe('the HTML report in Chromium', () => {
    it(`skipped: ${missing}`, (context) => {
      console.warn(`${context.task.suite?.name} skipped: ${missing}`)
      context.skip(missing)
    })
  })
} else {
  describe('the HTML report in Chromium', () => {
    let browser: Awaited<ReturnType<typeof launchChromium>>
    let result: BootResult
    let input: ReportInput

    beforeAll(async () => {
      browser = await launchChromium()
      const learnerPolicy = swiotlbInPreinit()
      result = await bootWith('realm', learnerPolicy, 'policy.c')
      input = {
        learner: 'Ada Lovelace',
        date: '2026-04-02',
        lab: {
          id: '05-move-swiotlb',
          title: 'Move the swiotlb call',
          goals: [
            { name: 'boots', weight: 2, passed: false, message: 'The realm guest must reach userspace.', evidence: ['verdict failed in boot of realm'] },
            { name: 'no-early-split', weight: 1, passed: false, message: 'No split before the page allocator exists.', evidence: ['WARN at split_kernel_leaf_mapping in boot of realm'] },
          ],
          hintsUsed: 1,
          questions: [{ question: 'Why does the split fail in arch_mm_preinit()?', answer: 'The buddy allocator does not exist yet, so there is nowhere to get page-table pages from.' }],
        },
        scenarioName: 'realm',
        policyFile: 'policy.c',
        startPolicyName: 'patched-v2.c',
        startPolicy: PATCHED_V2,
        policy: learnerPolicy,
        result,
        compare: compareBoots(result, await bootWith('realm', PATCHED_V2, 'patched-v2.c')),
      }
    })

    afterAll(async () => {
      await browser?.close()
    })

    it('opens offline: no network request, no error, every section shown', async () => {
      const { external, errors, sections } = await openAndRecord(browser.context, renderHtml(input), 'report-html.png')
      expect(external).toEqual([])
      expect(errors).toEqual([])
      expect(sections).toEqual(Object.keys(SECTIONS))
    })

    it('makes no request even without its Content-Security-Policy, so nothing in it points outside', async () => {
      const html = renderHtml(input).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
      expect(html).not.toContain('Content-Security-Policy')
      const { external } = await openAndRecord(browser.context, html)
      expect(external).toEqual([])
    })

    it('counts a request when there is one (the check can fail)', async () => {
      const html = renderHtml(input).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</main>', '<img src="http://127.0.0.1:9/x.png"></main>')
      const { external } = await openAndRecord(browser.context, html)
      expect(external).toEqual(['http://127.0.0.1:9/x.png'])
    })

    it('on a phone-width window the page never scrolls sideways: wide tables and logs scroll in their own box', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'bootlab-report-')), 'report.html')
      writeFileSync(file, renderHtml(input))
      const page = await browser.context.newPage()
      for (const width of [390, 640]) {
        await page.setViewportSize({ width, height: 800 })
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' })
        const { page: pageWidth, viewport, widest } = await page.evaluate(() => {
          // Elements wider than the window that are not inside a box that scrolls them.
          const scrolls = (el: Element | null): boolean => {
            for (let e = el; e; e = e.parentElement) if (['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth) return true
            return false
          }
          const over = [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !scrolls(el.parentElement) && !scrolls(el))
          return { page: document.documentElement.scrollWidth, viewport: window.innerWidth, widest: over.slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${el.className}`) }
        })
        expect({ width, pageWidth, widest }).toEqual({ width, pageWidth: viewport, widest: [] })
        if (width === 390) await page.screenshot({ path: join(ARTIFACTS, 'report-html-390.png'), fullPage: true })
      }
      await page.close()
    })

    it("parses the timeline and every memory map as XML with the browser's DOMParser", async () => {
      const image = kernelImageAlias(result)
      const svgs = [timelineSvg(result, { divergenceStep: 11 }), ...result.snapshots.map((s) => memoryMapSvg(s, { kernelImage: image }))]
      const page = await browser.context.newPage()
      const parsed = await page.evaluate((texts) => {
        return texts.map((text) => {
          const doc = new DOMParser().parseFromString(text, 'image/svg+xml')
          return doc.getElementsByTagName('parsererror').length ? doc.documentElement.textContent : doc.documentElement.localName
        })
      }, svgs)
      await page.close()
      expect(parsed).toEqual(svgs.map(() => 'svg'))
    })
  })
}
