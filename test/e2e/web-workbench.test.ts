/*
 * The workbench in a real browser: web mode built once and served by `vite
 * preview`, driven by playwright-core through Debian's Chromium with real
 * keystrokes. Screenshots go to test/artifacts/ (kept by CI, git-ignored).
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, chromiumMissing, launchChromium } from './chromium'
import { buildAndPreview, type WebPreview } from './web-preview'

const missing = chromiumMissing()
if (missing && process.env.CI === 'true') throw new Error(`CI must run the browser tests, but ${missing}`)

/** A kernel state and machine whose boot WARNs inside the policy (patched v1 on a realm guest). */
const WARN_POLICY = 'patched-v1.c'
const WARN_SCENARIO = 'realm.yaml'

const verdictStatus = (page: Page) => page.getByTestId('verdict').getAttribute('data-status')
const cursorLine = async (page: Page) => Number(/Ln (\d+)/.exec((await page.getByTestId('cursor-position').textContent()) ?? '')?.[1])

async function bootSettled(page: Page): Promise<string | null> {
  await page.getByTestId('running').waitFor({ state: 'detached' })
  await expect.poll(() => verdictStatus(page), { timeout: 20_000 }).not.toBe('booting')
  return verdictStatus(page)
}

async function choose(page: Page, label: string, value: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).selectOption(value)
  await bootSettled(page)
}

async function focusEditorEnd(page: Page): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click()
  await page.keyboard.press('Control+End')
}

const shoot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, name) })

if (missing) {
  describe('web mode in Chromium', () => {
    it(`skipped: ${missing}`, (context) => {
      // Default reporters do not print skipped test names; say it where a CI log shows it.
      console.warn(`${context.task.suite?.name} skipped: ${missing}`)
      context.skip(missing)
    })
  })
} else {
  describe('web mode in Chromium', () => {
    let preview: WebPreview
    let browser: Awaited<ReturnType<typeof launchChromium>>
    let page: Page
    const pageErrors: string[] = []

    beforeAll(async () => {
      preview = await buildAndPreview()
      browser = await launchChromium()
      page = await browser.context.newPage()
      page.on('pageerror', (error) => pageErrors.push(error.message))
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text())
      })
      await page.goto(preview.url)
    })

    afterAll(async () => {
      await browser?.close()
      await preview?.close()
    })

    it('opens the workbench: Monaco with C highlighting, the boot worker, a verdict for the base kernel', async () => {
      await page.locator('.monaco-editor .view-lines').waitFor()
      expect(await bootSettled(page)).toMatch(/^(booted|booted-with-warnings|failed)$/)
      expect(await page.getByLabel('Kernel policy', { exact: true }).inputValue()).toBe('unpatched.c')
      expect(page.workers().map((w) => w.url()).join(' ')).toMatch(/boot\.worker/)
      // Monarch's C tokenizer colours keywords with their own token class.
      expect(await page.locator('.monaco-editor .view-lines span[class*="mtk"]').count()).toBeGreaterThan(10)
      expect(await page.getByTestId('console').locator('li').count()).toBeGreaterThan(0)
      await shoot(page, 'web-workbench.png')
    })

    it('marks a syntax error at its line as the learner types, and reset clears it', async () => {
      const before = await verdictStatus(page)
      await focusEditorEnd(page)
      await page.keyboard.press('Enter')
      await page.keyboard.type('int broken = ;')
      const typedLine = await cursorLine(page)
      await expect.poll(() => page.getByTestId('problem-summary').textContent()).toMatch(/^[1-9]\d* errors?/)
      expect(await page.locator('.monaco-editor .squiggly-error').count()).toBeGreaterThan(0)
      expect(await bootSettled(page)).toBe('policy-error')

      // F8 is how a learner walks the markers: the cursor lands on the marker and its message shows.
      await page.keyboard.press('Control+Home')
      await page.keyboard.press('F8')
      await page.locator('.marker-widget').waitFor()
      expect(await cursorLine(page)).toBe(typedLine)
      await shoot(page, 'web-syntax-error.png')

      await page.keyboard.press('Escape')
      await page.getByRole('button', { name: 'Reset' }).click()
      expect(await bootSettled(page)).toBe(before)
      await expect.poll(() => page.getByTestId('problem-summary').textContent()).toBe('0 errors, 0 warnings')
    })

    it('shows a WARN splat; its policy frame jumps the editor to that line', async () => {
      await choose(page, 'Kernel policy', WARN_POLICY)
      await choose(page, 'Scenario', WARN_SCENARIO)
      expect(await verdictStatus(page)).toBe('booted-with-warnings')
      const frame = page.getByTestId('console').locator('.splat .policy-frame').first()
      const [file, line] = ((await frame.textContent()) ?? '').split(':')
      expect(file).toBe(WARN_POLICY)
      await frame.click()
      await expect.poll(() => cursorLine(page)).toBe(Number(line))
      // Monaco draws the active line number on its next animation frame.
      await expect.poll(() => page.locator('.monaco-editor .margin .active-line-number').allTextContents()).toEqual([line])
      await shoot(page, 'web-warn-splat.png')
    })

    it('ran without page errors or CSP violations', () => {
      expect(pageErrors).toEqual([])
    })
  })
}
