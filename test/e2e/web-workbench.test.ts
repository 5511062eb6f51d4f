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

const BASE_KERNEL = 'unpatched.c'
const REALM = 'realm.yaml'
/** The bug needs a realm guest: the base kernel boots cleanly on a plain host. */
const HOST = 'host.yaml'

const verdictStatus = (page: Page) => page.getByTestId('verdict').getAttribute('data-status')
const cursorLine = async (page: Page) => Number(/Ln (\d+)/.exec((await page.getByTestId('cursor-position').textContent()) ?? '')?.[1])

/** The verdict once the boot of the editor's current text has finished. */
async function bootSettled(page: Page): Promise<string | null> {
  await page.locator('[data-testid="verdict"][data-settled="true"]').waitFor({ timeout: 20_000 })
  return verdictStatus(page)
}

async function choose(page: Page, label: string, value: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).selectOption(value)
  await bootSettled(page)
}

async function focusEditorEnd(page: Page): Promise<void> {
  await page.locator('.policy-editor .monaco-editor .view-lines').click()
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
      await page.locator('.policy-editor .monaco-editor .view-lines').waitFor()
      expect(await bootSettled(page)).toMatch(/^(booted|booted-with-warnings|failed)$/)
      expect(await page.getByLabel('Kernel policy', { exact: true }).inputValue()).toBe(BASE_KERNEL)
      expect(await page.getByLabel('Scenario', { exact: true }).inputValue()).toBe(REALM)
      expect(page.workers().map((w) => w.url()).join(' ')).toMatch(/boot\.worker/)
      // Monarch's C tokenizer colours keywords with their own token class.
      expect(await page.locator('.policy-editor .monaco-editor .view-lines span[class*="mtk"]').count()).toBeGreaterThan(10)
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
      await expect.poll(() => page.locator('.policy-editor .monaco-editor .squiggly-error').count()).toBeGreaterThan(0)
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

    it('an edit that WARNs turns the verdict and console; the splat policy frame jumps the editor to that line', async () => {
      await choose(page, 'Kernel policy', BASE_KERNEL)
      await choose(page, 'Scenario', HOST)
      expect(await verdictStatus(page)).toBe('booted')
      expect(await page.getByTestId('console').locator('.splat').count()).toBe(0)

      // Find map_mem() and add a WARN_ON(1) as its first statement, as a learner would type it.
      await page.locator('.policy-editor .monaco-editor .view-lines').click()
      await page.keyboard.press('Control+F')
      await page.keyboard.type('map_mem(void)')
      await expect.poll(() => page.locator('.find-widget .matchesCount').textContent()).toMatch(/^1 of \d+$/)
      await page.keyboard.press('Enter')
      await page.keyboard.press('Escape')
      await page.keyboard.press('End')
      await page.keyboard.press('ArrowDown')
      await page.keyboard.press('End')
      await page.keyboard.press('Enter')
      await page.keyboard.type('WARN_ON(1);')
      const warnLine = await cursorLine(page)

      expect(await bootSettled(page)).toBe('booted-with-warnings')
      const frame = page.getByTestId('console').locator('.splat .policy-frame').first()
      expect(await frame.textContent()).toBe(`${BASE_KERNEL}:${warnLine}`)

      await page.keyboard.press('Control+Home')
      expect(await cursorLine(page)).toBe(1)
      await frame.click()
      await expect.poll(() => cursorLine(page)).toBe(warnLine)
      // Monaco draws the active line number on its next animation frame.
      await expect.poll(() => page.locator('.policy-editor .monaco-editor .margin .active-line-number').allTextContents()).toEqual([String(warnLine)])
      await shoot(page, 'web-warn-splat.png')
    })

    it("keeps the learner's edit across a reload (saved in localStorage)", async () => {
      await page.reload()
      expect(await bootSettled(page)).toBeTruthy()
      expect(await page.getByLabel('Kernel policy', { exact: true }).inputValue()).toBe(BASE_KERNEL)
      await expect.poll(() => page.locator('.policy-editor .monaco-editor .view-lines').textContent()).toContain('WARN_ON(1);')
      expect(await page.locator('.policy-editor .file').textContent()).toBe(`${BASE_KERNEL} (edited)`)
    })

    it('ran without page errors or CSP violations', () => {
      expect(pageErrors).toEqual([])
    })
  })
}
