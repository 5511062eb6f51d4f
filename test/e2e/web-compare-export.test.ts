/*
 * The compare view and the lab report in a real browser (web mode served by
 * `vite preview`, Debian's Chromium through playwright-core): two kernel states
 * side by side with their timelines scrubbing together, the first divergence
 * explained and the console diff; then a lab's Markdown report downloaded and
 * its patch applied with `git apply` onto the lab's start.c.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECTIONS } from '../../src/report/report'
import { ARTIFACTS, chromiumMissing, launchChromium } from './chromium'
import { buildAndPreview, type WebPreview } from './web-preview'

const missing = chromiumMissing()
if (missing && process.env.CI === 'true') throw new Error(`CI must run the browser tests, but ${missing}`)

const LAB = '03-realm-bug'
const LAB_START = join(import.meta.dirname, '../../labs', LAB, 'start.c')

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
      // These tests start past the first-run welcome (web-first-run.test.ts covers it).
      await page.addInitScript(() => localStorage.setItem('bootlab:welcomed', '1'))
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

    it('exports a lab report as Markdown: name, answers, hints and goals in it, and its patch applies onto start.c', async () => {
      await page.getByTestId('compare-close').click()
      await page.locator(`[data-lab="${LAB}"] button`).click()
      await page.getByTestId('lab-pane').waitFor()
      await page.locator('[data-testid="lab-goals"][data-settled="true"]').waitFor({ timeout: 20_000 })
      const answer = page.getByTestId('lab-answers').locator('textarea').first()
      await answer.fill('The swiotlb buffer is decrypted before the page allocator exists.')
      // A learner's change: one comment line at the end of start.c.
      await page.locator('.policy-editor .monaco-editor .view-lines').click()
      await page.keyboard.press('Control+End')
      await page.keyboard.press('Enter')
      await page.keyboard.type('/* checked the realm boot */')
      await page.locator('[data-testid="verdict"][data-settled="true"]').waitFor({ timeout: 20_000 })

      await page.getByTestId('export').click()
      await page.getByTestId('learner-name').fill('Ada Learner')
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-markdown').click()])
      expect(download.suggestedFilename()).toBe(`bootlab-${LAB}-report.md`)
      const markdown = readFileSync((await download.path())!, 'utf8')
      await expect.poll(() => page.getByTestId('export-message').textContent()).toContain('report.md')
      await shoot(page, 'web-export.png')

      for (const id of ['goals', 'hints', 'verdict', 'policy', 'patch', 'console', 'timeline', 'memory-map', 'answers'] as const) {
        expect(markdown).toContain(SECTIONS[id])
      }
      expect(markdown).toContain('Ada Learner')
      expect(markdown).toContain('The swiotlb buffer is decrypted before the page allocator exists.')

      const patch = /```+diff\n(diff --git[\s\S]*?)\n```+/.exec(markdown)?.[1]
      expect(patch).toBeDefined()
      const work = mkdtempSync(join(tmpdir(), 'bootlab-patch-'))
      try {
        copyFileSync(LAB_START, join(work, 'start.c'))
        execFileSync('git', ['apply', '-'], { cwd: work, input: `${patch}\n` })
        expect(readFileSync(join(work, 'start.c'), 'utf8')).toContain('/* checked the realm boot */')
      } finally {
        rmSync(work, { recursive: true, force: true })
      }
      expect(pageErrors).toEqual([])
    })
  })
}
