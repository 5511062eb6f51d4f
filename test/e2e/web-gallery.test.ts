/*
 * A demanding user's look at every screen (web mode, Chromium): the welcome,
 * the workbench outside a lab on the realm machine, lab 5 on the memory map,
 * the console with a WARN splat, the ptdump tab, the side-by-side compare view,
 * the Debug tab stopped at a breakpoint, the shortcut list and lab 5's goals
 * held by a looping text, at four window sizes in light and dark. Each screen is
 * written to test/artifacts/gallery-*.png (not committed) and checked for
 * page-level horizontal overflow; the compare view and the ptdump tab also for
 * axe-core's serious/critical violations, and the SVG timeline for fills that
 * follow the theme and labels inside its box.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ARTIFACTS, describeInChromium } from './chromium'
import { axeViolations, clickGutter, openApp, type OpenedApp, settled } from './workbench-page'
import type { WebPreview } from './web-preview'

const SIZES = [
  [1024, 700],
  [1280, 720],
  [1440, 900],
  [1920, 1080],
] as const
const THEMES = ['light', 'dark'] as const
const LAB5 = '05-move-swiotlb'
const v2 = readFileSync(join(import.meta.dirname, '../../resources/policies/patched-v2.c'), 'utf8').split('\n')
const fnLine = v2.findIndex((l) => l.startsWith('int split_kernel_leaf_mapping(')) + 1
const alignLine = v2.findIndex((l, i) => i >= fnLine && /PAGE_ALIGNE?D?\(start\)/.test(l)) + 1

/** Page-level horizontal overflow, and any element wider than the window. */
async function pageOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = []
    const root = document.documentElement
    if (root.scrollWidth > innerWidth + 1) found.push(`page: ${root.scrollWidth} > ${innerWidth}`)
    if (document.body.scrollWidth > innerWidth + 1) found.push(`body: ${document.body.scrollWidth} > ${innerWidth}`)
    return found
  })
}

/** Text of the SVG timelines that runs past the right edge of its svg box. */
async function clippedSvgText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = []
    for (const svg of document.querySelectorAll<SVGSVGElement>('svg')) {
      const box = svg.getBoundingClientRect()
      if (box.width === 0) continue
      for (const t of svg.querySelectorAll('text')) {
        const r = t.getBoundingClientRect()
        if (r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1)) found.push(`${t.textContent}: ${Math.round(r.left)}..${Math.round(r.right)} outside ${Math.round(box.left)}..${Math.round(box.right)}`)
      }
    }
    return found
  })
}

describeInChromium('every screen at four sizes in both themes', () => {
  let preview: WebPreview
  let browser: OpenedApp['browser']
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    ;({ preview, browser, page } = await openApp({ pageErrors }))
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await preview?.close()
  })

  async function visit(hash: string): Promise<void> {
    await page.goto(`${preview.url}${hash}`)
    await page.reload()
  }

  /** Shoots the page as it is at every size, with the overflow found at each. */
  async function gallery(name: string, theme: string, problems: string[]): Promise<void> {
    for (const [w, h] of SIZES) {
      await page.setViewportSize({ width: w, height: h })
      await page.waitForTimeout(250)
      await page.screenshot({ path: join(ARTIFACTS, `gallery-${name}-${theme}-${w}x${h}.png`) })
      for (const p of await pageOverflow(page)) problems.push(`${name} ${theme} ${w}x${h}: ${p}`)
      for (const p of await clippedSvgText(page)) problems.push(`${name} ${theme} ${w}x${h}: clipped svg text ${p}`)
    }
    await page.setViewportSize({ width: 1280, height: 720 })
  }

  it('welcome, realm workbench, lab 5 map, WARN console, ptdump, compare, shortcuts: no page overflow, no clipped picture text', async () => {
    const problems: string[] = []
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme })
      await page.setViewportSize({ width: 1280, height: 720 })
      await page.evaluate(() => localStorage.removeItem('bootlab:welcomed')).catch(() => undefined)
      await visit('#/')
      await page.getByTestId('welcome').waitFor()
      await settled(page)
      await gallery('welcome', theme, problems)
      await page.getByTestId('welcome-dismiss').click()

      await visit('#/kernel/series.c/console?machine=realm.yaml')
      await settled(page)
      await gallery('workbench-realm', theme, problems)

      await page.getByTestId('tab-ptdump').click()
      await page.getByTestId('ptdump').waitFor()
      await gallery('ptdump', theme, problems)
      // At 1280 px the dump's lines are wider than the result pane: they scroll inside the dump's own box, whose right edge stays in the window.
      const box = await page.getByTestId('ptdump-text').evaluate((pre) => {
        pre.scrollLeft = 40
        return { right: pre.getBoundingClientRect().right, wider: pre.scrollWidth > pre.clientWidth, scrolled: pre.scrollLeft, window: innerWidth }
      })
      expect(box.wider).toBe(true)
      expect(box.scrolled).toBe(40)
      expect(box.right).toBeLessThanOrEqual(box.window)
      expect(await axeViolations(page), `${theme}: ptdump`).toEqual([])

      await visit(`#/lab/${LAB5}/map`)
      await settled(page)
      await gallery('lab5-map', theme, problems)

      await visit('#/kernel/series.c/console?machine=realm-cpu-online-caller.yaml')
      expect(await settled(page), 'series.c on the cpu-online caller WARNs').toBe('booted-with-warnings')
      await gallery('console-warn', theme, problems)

      await page.getByTestId('compare').click()
      await page.getByTestId('compare-view').waitFor()
      await page.waitForTimeout(1500)
      expect(await axeViolations(page), `${theme}: compare view`).toEqual([])
      await gallery('compare', theme, problems)
      await page.getByTestId('compare').click()

      await page.getByTestId('shortcuts').click()
      await page.getByTestId('shortcuts-dialog').waitFor()
      await gallery('shortcuts', theme, problems)
      await page.keyboard.press('Escape')
    }
    expect(problems).toEqual([])
  }, 600_000)

  it('the Debug tab stopped at a breakpoint, in both themes', async () => {
    const problems: string[] = []
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme })
      await page.setViewportSize({ width: 1280, height: 720 })
      await visit('#/kernel/patched-v2.c/console?machine=realm.yaml')
      await settled(page)
      await page.locator('.policy-editor .monaco-editor .view-lines').waitFor()
      await clickGutter(page, alignLine)
      await expect.poll(() => page.getByTestId('breakpoint-count').textContent()).toBe('1 breakpoint')
      await page.keyboard.press('F5')
      await page.getByTestId('debug-where').waitFor({ timeout: 30_000 })
      await gallery('debug', theme, problems)
      expect(await axeViolations(page), `${theme}: debug`).toEqual([])
      await page.getByRole('button', { name: 'Stop', exact: true }).click()
      // The stop first leaves the Debug tab and the editor's stopped line (a CI run under load
      // clicked the gutter while they were still changing, and the click was lost).
      await page.getByTestId('debug-where').waitFor({ state: 'detached' })
      await settled(page)
      await clickGutter(page, alignLine)
      await expect.poll(() => page.getByTestId('breakpoint-count').count()).toBe(0)
    }
    expect(problems).toEqual([])
  }, 300_000)

  it('lab 5 with a grade held (the text loops on a lab machine): the goals say why, their heading never breaks inside a word', async () => {
    const problems: string[] = []
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme })
      await page.setViewportSize({ width: 1280, height: 720 })
      // Past the first-run welcome (the first test covers it), also when this test runs alone.
      await visit(`#/lab/${LAB5}/map`)
      await page.evaluate(() => localStorage.setItem('bootlab:welcomed', '1'))
      await visit(`#/lab/${LAB5}/map`)
      await settled(page)
      await page.locator('[data-testid="lab-goals"][data-settled="true"]').waitFor({ timeout: 30_000 })
      // A loop in mem_init(): the step budget stops it on every machine, so the last grade stays, marked.
      const start = readFileSync(join(import.meta.dirname, `../../labs/${LAB5}/start.c`), 'utf8').split('\n')
      const line = start.findIndex((l) => l.includes('page_alloc_available = true;')) + 1
      await page.locator('.policy-editor .monaco-editor .view-lines').click()
      await page.keyboard.press('Control+Home')
      for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown')
      await page.keyboard.press('End')
      await page.keyboard.type('\nwhile (1) ;')
      const why = page.getByTestId('goals-held-why')
      await why.waitFor({ timeout: 30_000 })
      // The last text's grade (and boot) done: until then the heading says "grading…" and the goals move
      // (a loaded CI run grades a looping text on six machines for a long while).
      await expect.poll(() => page.getByTestId('lab-goals').locator('h3').textContent(), { timeout: 120_000 }).not.toContain('grading')
      await settled(page, 120_000)
      expect(await why.textContent()).toMatch(new RegExp(`stops at start\\.c:${line + 1}:\\d+: step budget of \\d+ exceeded`))
      for (const [w, h] of SIZES) {
        await page.setViewportSize({ width: w, height: h })
        await why.scrollIntoViewIfNeeded()
        // One line each: the narrow lab column wraps the notes after them, never the words.
        for (const part of ['.goals-title', '.goals-score']) {
          const lines = await page.locator(`[data-testid="lab-goals"] ${part}`).evaluate((el) => {
            const text = document.createRange()
            text.selectNodeContents(el)
            return new Set([...text.getClientRects()].map((r) => Math.round(r.top))).size
          })
          if (lines !== 1) problems.push(`${theme} ${w}x${h}: ${part} takes ${lines} lines`)
        }
        await page.screenshot({ path: join(ARTIFACTS, `gallery-lab5-held-${theme}-${w}x${h}.png`) })
      }
      await page.setViewportSize({ width: 1280, height: 720 })
      await page.getByRole('button', { name: 'Reset to start.c' }).click()
      await page.locator('[data-testid="lab-goals"][data-settled="true"]').waitFor({ timeout: 30_000 })
    }
    expect(problems).toEqual([])
  }, 300_000)

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([])
  })
})
