/*
 * What several Chromium suites do with the workbench page: open the built app in a Chromium
 * page, wait for a settled verdict, ask axe-core for its serious and critical violations, and
 * set a breakpoint by clicking the editor's glyph margin.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { expect } from 'vitest'
import { ARTIFACTS, launchChromium } from './chromium'
import { buildAndPreview, type WebPreview } from './web-preview'

type Box = { x: number; y: number; width: number; height: number }

export interface OpenedApp {
  preview: WebPreview
  browser: Awaited<ReturnType<typeof launchChromium>>
  page: Page
}

export interface OpenOptions {
  /** Where the page's uncaught errors go. */
  pageErrors?: string[]
  /** Every load starts past the first-run welcome (web-workbench-ux.test.ts covers the welcome itself). */
  pastWelcome?: boolean
}

/** The web build served, Chromium launched and a page open (not yet navigated). */
export async function openApp({ pageErrors, pastWelcome = false }: OpenOptions = {}): Promise<OpenedApp> {
  const preview = await buildAndPreview()
  const browser = await launchChromium()
  const page = await browser.context.newPage()
  if (pageErrors) page.on('pageerror', (error) => pageErrors.push(error.message))
  if (pastWelcome) await page.addInitScript(() => localStorage.setItem('bootlab:welcomed', '1'))
  return { preview, browser, page }
}

/**
 * Waits for the verdict the workbench shows once a boot has settled and returns its status. When
 * none comes, the page as it was goes to test/artifacts/not-settled.png and the error quotes the
 * verdict line.
 */
export async function settled(page: Page, timeout = 30_000): Promise<string | null> {
  try {
    await page.locator('[data-testid="verdict"][data-settled="true"]').waitFor({ timeout })
  } catch (e) {
    // A page that hung may not take a screenshot either: the error below is the one to report.
    await page.screenshot({ path: join(ARTIFACTS, 'not-settled.png'), timeout: 5_000 }).catch(() => undefined)
    throw new Error(`no settled verdict at ${page.url()}: ${await page.getByTestId('verdict').textContent()}`, { cause: e })
  }
  return page.getByTestId('verdict').getAttribute('data-status')
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** axe-core's serious and critical violations on the page as it is (evaluated over CDP: the app's CSP allows no inline script). */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; failureSummary: string }[] }[] }> } }).axe
    const { violations } = await axe.run(document, { resultTypes: ['violations'] })
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} — ${n.failureSummary}`).join(' | ')}`)
  })
}

/** Scrolls `line` into view with the keyboard and clicks the glyph margin beside it. */
export async function clickGutter(page: Page, line: number): Promise<void> {
  await page.locator('.policy-editor .monaco-editor .view-lines').click()
  await page.mouse.move(1, 1)
  await page.keyboard.press('Control+Home')
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown')
  await expect.poll(async () => Number(/Ln (\d+)/.exec((await page.getByTestId('cursor-position').textContent()) ?? '')?.[1])).toBe(line)
  const number = page.locator('.policy-editor .margin-view-overlays .line-numbers', { hasText: new RegExp(`^${line}$`) })
  // Monaco re-renders its line numbers as it likes (a CI run met a node replaced between finding it
  // and measuring it): measure until both boxes are there. The row stays where it is on screen.
  let row: Box | null = null
  let glyph: Box | null = null
  await expect
    .poll(async () => {
      row = await number.boundingBox()
      glyph = await page.locator('.policy-editor .glyph-margin').boundingBox()
      return row !== null && glyph !== null
    })
    .toBe(true)
  await page.mouse.click(glyph!.x + glyph!.width / 2, row!.y + row!.height / 2)
}
