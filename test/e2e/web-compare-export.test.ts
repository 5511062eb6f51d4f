/*
 * The compare view and the lab report in a real browser (web mode served by
 * `vite preview`, Debian's Chromium through playwright-core): two kernel states
 * side by side with their timelines scrubbing together, the first divergence
 * explained and the console diff; then a lab's Markdown report downloaded (a .zip
 * of report.md and its pictures) and its patch applied with `git apply` onto the
 * lab's start.c.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { SECTIONS } from '../../src/report/report'
import { ARTIFACTS, describeInChromium } from './chromium'
import type { WebPreview } from './web-preview'
import { type OpenedApp, openApp } from './workbench-page'


const LAB = '03-realm-bug'
const LAB_START = join(import.meta.dirname, '../../labs', LAB, 'start.c')

const shoot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, name), fullPage: false })
const selectedStep = async (page: Page, side: string) => Number(await page.getByTestId(`compare-timeline-${side}`).getAttribute('data-selected-step'))

describeInChromium('compare and export in Chromium', () => {
  let preview: WebPreview
  let browser: OpenedApp['browser']
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    ;({ preview, browser, page } = await openApp({ pageErrors, pastWelcome: true }))
    await page.goto(preview.url)
    await page.locator('[data-testid="verdict"][data-settled="true"]').waitFor({ timeout: 20_000 })
  })

  afterAll(async () => {
    await browser?.close()
    await preview?.close()
  })

  it('shows the ptdump tab: on the realm machine after the series boots, the pool\'s split edges are PTE runs between PMD runs', async () => {
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.getByLabel('Kernel policy', { exact: true }).selectOption('series.c')
    await page.getByLabel('Scenario', { exact: true }).selectOption('realm.yaml')
    await page.locator('[data-testid="verdict"][data-settled="true"]').waitFor({ timeout: 20_000 })
    await page.getByTestId('tab-ptdump').click()
    const text = page.getByTestId('ptdump-text')
    await text.waitFor()
    const lines = (await text.textContent())!.split('\n').filter(Boolean)
    expect(lines[0]).toBe('---[ Linear Mapping start ]---')
    expect(lines[lines.length - 1]).toBe('---[ Linear Mapping end ]---')
    const levels = lines.slice(1, -1).map((l) => / (PGD|PUD|PMD|PTE)( |$)/.exec(l)?.[1])
    expect(levels.join(' ')).toMatch(/PMD( PTE)+ PMD/)
    expect(lines.some((l) => l.endsWith(' NS'))).toBe(true)
    // Copy says what it did, and what it copied is the dump.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await page.getByTestId('ptdump-copy').click()
    await expect.poll(() => page.getByTestId('ptdump-copy').textContent()).toContain('Copied')
    expect((await page.evaluate(() => navigator.clipboard.readText())).trimEnd()).toBe(lines.join('\n'))
    await shoot(page, 'web-ptdump-1280x720-dark.png')
    for (const [width, height] of [[1024, 700], [1440, 900], [1920, 1080]]) {
      await page.setViewportSize({ width, height })
      for (const theme of ['light', 'dark']) {
        await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme)
        for (const tab of ['ptdump', 'map']) {
          await page.getByTestId(`tab-${tab}`).click()
          await page.waitForTimeout(100)
          // On a wide window the whole dump fits, its NS column included (it was cut at 1920 px).
          if (tab === 'ptdump' && width === 1920) expect(await text.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
          await shoot(page, `web-${tab}-${width}x${height}-${theme}.png`)
        }
      }
    }
    await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'))
    await page.setViewportSize({ width: 1280, height: 720 })

    // The legend finds what is too thin to see: 'shared with the host' zooms to the first shared run.
    await page.getByTestId('tab-map').click()
    expect(await page.getByTestId('map-view-size').first().textContent()).toBe('4 GiB shown')
    await page.getByTestId('map-find-shared').click()
    await expect.poll(() => page.getByTestId('map-view-size').first().textContent()).toMatch(/MiB shown|KiB shown/)
    const bar = (await page.getByTestId('map-bar').first().boundingBox())!
    await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2)
    expect(await page.getByTestId('map-walk').textContent()).toContain('shared (NS)')
    await page.getByRole('button', { name: 'Whole', exact: true }).first().click()
    expect(pageErrors).toEqual([])
  })

  it('compares patched-v2 with series on realm side by side: aligned timelines, divergence at the same x, arrow keys scrub both', async () => {
    await page.setViewportSize({ width: 1280, height: 720 })
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

    // Side by side: the two timelines on one row, the same width.
    const plot = (side: string) => page.getByTestId(`compare-timeline-${side}`).getByTestId('timeline-plot')
    const [l, r] = [(await plot('left').boundingBox())!, (await plot('right').boundingBox())!]
    expect(Math.abs(l.y - r.y)).toBeLessThanOrEqual(2)
    expect(l.x + l.width).toBeLessThanOrEqual(r.x)
    expect(Math.abs(l.width - r.width)).toBeLessThanOrEqual(2)
    // The first divergence at the same x on both (from each timeline's left edge).
    const markerX = async (side: string, box: { x: number }) => {
      const line = (await page.getByTestId(`compare-timeline-${side}`).getByTestId('divergence-marker').locator('line').boundingBox())!
      return line.x + line.width / 2 - box.x
    }
    const [ml, mr] = [await markerX('left', l), await markerX('right', r)]
    expect(ml).toBeGreaterThan(100)
    expect(Math.abs(ml - mr)).toBeLessThanOrEqual(2)
    await shoot(page, 'web-compare-1280x720-dark.png')

    // Arrow keys on either timeline scrub both, to the same kernel function.
    const column = async (side: string) => Number(await plot(side).getAttribute('data-selected-column'))
    await plot('left').focus()
    await page.keyboard.press('Home')
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight')
    await expect.poll(() => column('left')).toBe(12)
    expect(await column('right')).toBe(12)
    const fnOf = async (side: string) => plot(side).getAttribute('aria-valuetext')
    expect(await fnOf('right')).toBe(await fnOf('left'))
    await plot('right').focus()
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => column('left')).toBe(11)
    expect(await selectedStep(page, 'left')).toBeGreaterThanOrEqual(0)
    expect(await page.getByTestId('compare-step').textContent()).toContain('left')

    // The mouse scrubs both too.
    const box = (await plot('right').boundingBox())!
    await page.mouse.click(box.x + box.width - 3, box.y + box.height / 2)
    await expect.poll(() => column('left')).toBe(await column('right'))

    const changed = page.getByTestId('compare-console').locator('[data-side="left"], [data-side="right"]')
    expect(await changed.count()).toBeGreaterThan(0)
    expect(await page.getByTestId('compare-ptdump').locator('[data-side="both"]').first().textContent()).toContain('Linear Mapping start')
    // At 1280 px two dumps do not fit side by side: one column, so a line only the right boot has is in view, not past the edge.
    const dumpBox = (await page.getByTestId('compare-ptdump').boundingBox())!
    const rightOnly = (await page.getByTestId('compare-ptdump').locator('[data-side="right"] .cell').last().boundingBox())!
    expect(rightOnly.x + rightOnly.width).toBeLessThanOrEqual(dumpBox.x + dumpBox.width)
    expect(await page.getByTestId('compare-counters').locator('tbody tr').count()).toBeGreaterThan(10)
    await page.getByTestId('compare-policy-diff').locator('.monaco-diff-editor').waitFor()
    // Both memory maps take their column's width (a size containment once collapsed them to nothing).
    const maps = await page.getByTestId('compare-view').getByTestId('memory-map').all()
    expect(maps.length).toBe(2)
    for (const m of maps) expect((await m.boundingBox())!.width).toBeGreaterThan(l.width * 0.9)
    for (const bar of await page.getByTestId('compare-view').getByTestId('map-bar').all()) expect((await bar.boundingBox())!.width).toBeGreaterThan(l.width * 0.8)

    // Swap in one click.
    await page.getByTestId('compare-swap').click()
    await expect.poll(() => page.getByLabel('left policy').inputValue()).toBe('series.c')
    await expect.poll(() => page.getByTestId('compare-divergence').textContent(), { timeout: 20_000 }).toMatch(/diverge/)

    // A reload comes back to the compare view with the same two sides (it used to reopen the defaults).
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/compare\/kernel\/[^?]+\?.*left=series\.c/)
    await page.reload()
    await page.getByTestId('compare-view').waitFor({ timeout: 20_000 })
    await expect.poll(() => page.getByLabel('left policy').inputValue()).toBe('series.c')
    expect(await page.getByLabel('right policy').inputValue()).toBe('patched-v2.c')
    expect([await page.getByLabel('left machine').inputValue(), await page.getByLabel('right machine').inputValue()]).toEqual(['realm.yaml', 'realm.yaml'])
    await expect.poll(() => page.getByTestId('compare-divergence').textContent(), { timeout: 20_000 }).toMatch(/diverge/)

    for (const [width, height] of [[1024, 700], [1280, 720], [1440, 900], [1920, 1080]]) {
      await page.setViewportSize({ width, height })
      for (const theme of ['light', 'dark']) {
        await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme)
        await page.waitForTimeout(100)
        await shoot(page, `web-compare-${width}x${height}-${theme}.png`)
      }
    }
    await page.setViewportSize({ width: 1400, height: 900 })
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
    const folder = `bootlab-${LAB}-report`
    expect(download.suggestedFilename()).toBe(`${folder}.zip`)
    const files = new Map(Object.entries(unzipSync(readFileSync((await download.path())!))).map(([name, bytes]) => [name, strFromU8(bytes)]))
    await expect.poll(() => page.getByTestId('export-message').textContent()).toContain(`${folder}.zip`)
    const markdown = files.get(`${folder}/report.md`) ?? ''
    // Every picture report.md shows is a file beside it.
    const pictures = [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1])
    expect(pictures).toContain('timeline.svg')
    for (const name of pictures) expect(files.get(`${folder}/${name}`)).toMatch(/^<svg /)
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

  it('the compare view\'s policy diff shows both start.c texts while the lab\'s reference solution is open too', async () => {
    const consoleErrors: string[] = []
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())))
    await page.keyboard.press('Escape')
    await page.getByTestId('show-solution').click()
    await page.getByTestId('tab-solution').waitFor()
    await page.locator('.read-only-policy .monaco-editor .view-line').first().waitFor()
    // In a lab the compare view opens on its start.c (left) against the editor's text (right), one comment line apart.
    await page.getByTestId('compare').click()
    const diff = page.getByTestId('compare-policy-diff')
    await diff.locator('.monaco-diff-editor').waitFor()
    for (const side of ['original', 'modified']) {
      await expect.poll(() => diff.locator(`.editor.${side} .view-line`).count()).toBeGreaterThan(5)
      expect((await diff.locator(`.editor.${side} .view-line`).allTextContents()).join('\n')).toContain('SPDX-License-Identifier')
    }
    // In a lab, a reload comes back to that lab's compare view with the sides as they were.
    const states = await page.getByLabel('left policy').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
    expect(states).toContain('unpatched.c')
    await page.getByLabel('left policy').selectOption('unpatched.c')
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/compare/lab/${LAB}?left=unpatched.c&right=editor`)
    await page.reload()
    await page.getByTestId('compare-view').waitFor({ timeout: 20_000 })
    await expect.poll(() => page.getByLabel('left policy').inputValue()).toBe('unpatched.c')
    expect(await page.getByLabel('right policy').inputValue()).toBe('editor')
    await page.getByTestId('compare-close').click()
    await expect.poll(() => new URL(page.url()).hash).toMatch(new RegExp(`^#/lab/${LAB}(/|$)`))
    expect(consoleErrors).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
