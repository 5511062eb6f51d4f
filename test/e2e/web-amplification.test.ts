/*
 * Issue 11, item 1 in the browser: the printk amplification policies (each conversion
 * up to 1,024 characters, thousands of them in a loop) crashed the page in about 12 s on
 * the old code, and because the autosave had already stored the text, the app crashed
 * again on every reopen. Pasted into the editor now, each ends at the step budget at its
 * loop, the page stays alive, and a reopen boots the saved text to the same located error.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeInChromium } from './chromium'
import type { WebPreview } from './web-preview'
import { type OpenedApp, openApp, settled } from './workbench-page'

const loop = (call: string) => `void __init mem_init(void)\n{\n\tint i;\n\n\tfor (i = 0; ; i++)\n\t\t${call}\n}\n`
const POLICIES = [
  ['pr_info("%1024d" x 2000)', loop(`pr_info("${'%1024d'.repeat(2000)}\\n", i);`)],
  ['pr_info("%%" x 30000)', loop(`pr_info("${'%%'.repeat(30_000)}\\n");`)],
  ['WARN(1, "%1024s" x 2000)', loop(`WARN(1, "${'%1024s'.repeat(2000)}\\n", "x");`)],
] as const

describeInChromium('printk amplification in Chromium', () => {
  let preview: WebPreview
  let browser: OpenedApp['browser']
  let page: Page
  const crashes: string[] = []

  beforeAll(async () => {
    ;({ preview, browser, page } = await openApp({ pastWelcome: true }))
    page.on('crash', () => crashes.push('page crashed'))
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await preview?.close()
  })

  it.each(POLICIES)('%s pasted into the editor ends at the budget at its loop; the page survives it and a reopen', async (_name, text) => {
    await page.goto(`${preview.url}#/kernel/unpatched.c/console`)
    await page.reload()
    await settled(page, 60_000)
    await page.locator('.policy-editor .monaco-editor .view-lines').click()
    await page.keyboard.press('Control+A')
    // One input event with the whole text, as a paste is.
    await page.keyboard.insertText(text)
    expect(await settled(page, 60_000)).toBe('policy-error')
    const verdict = await page.getByTestId('verdict').textContent()
    expect(verdict).toMatch(/step budget of \d+ exceeded|kernel log reached 10000 lines/)
    expect(verdict).toMatch(/line [56]\b|:[56]:/)
    expect(await page.evaluate(() => 6 * 7)).toBe(42)

    // Reopen: the autosaved text is back and boots to the same located error, not a crash.
    await page.reload()
    expect(await settled(page, 60_000)).toBe('policy-error')
    expect(await page.getByTestId('verdict').textContent()).toMatch(/step budget of \d+ exceeded|kernel log reached 10000 lines/)
    expect(crashes).toEqual([])
  }, 180_000)
})
