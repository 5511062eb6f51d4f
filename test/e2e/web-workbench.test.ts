/*
 * The workbench in a real browser: web mode built once and served by `vite
 * preview`, driven by playwright-core through Debian's Chromium with real
 * keystrokes. Screenshots go to test/artifacts/ (kept by CI, git-ignored).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { bootWith } from '../helpers/boot'
import { ARTIFACTS, describeInChromium } from './chromium'
import type { WebPreview } from './web-preview'
import { type OpenedApp, openApp } from './workbench-page'


const BASE_KERNEL = 'unpatched.c'
const REALM = 'realm.yaml'
/** The bug needs a realm guest: the base kernel boots cleanly on a plain host. */
const HOST = 'host.yaml'
/** Two Neoverse-N2 secondaries lack BBML2_NOABORT: caps finalization repaints the linear map to PTEs. */
const REALM_MIXED = 'realm-mixed.yaml'
/** Keystrokes timed for "keystroke → updated verdict, console and map". */
const TIMED_KEYSTROKES = 20
/** Generous on purpose: CI machines are slow and shared; the measured figures are reported, not asserted. */
const KEYSTROKE_P95_BOUND_MS = 2000

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

/** Focuses the policy editor, then moves the pointer off it: a kernel helper's hover box would swallow the next Escape. */
async function clickIntoEditor(page: Page): Promise<void> {
  await page.locator('.policy-editor .monaco-editor .view-lines').click()
  await page.mouse.move(1, 1)
}

/** The 1-based line of the first line of a repository file that contains `text`. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(join(import.meta.dirname, '../..', file), 'utf8').split('\n').findIndex((l) => l.includes(text))
  if (index < 0) throw new Error(`${file} has no line with '${text}'`)
  return index + 1
}

/** Puts the cursor at the end of a line with the keys a learner would use (the find widget proved racy to drive). */
async function goToLineEnd(page: Page, line: number): Promise<void> {
  await clickIntoEditor(page)
  await page.keyboard.press('Control+Home')
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown')
  await page.keyboard.press('End')
  await expect.poll(() => cursorLine(page)).toBe(line)
}

async function focusEditorEnd(page: Page): Promise<void> {
  await clickIntoEditor(page)
  await page.keyboard.press('Control+End')
}

const shoot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, name) })

const selectedStep = async (page: Page) => Number(await page.getByTestId('timeline-plot').getAttribute('data-selected-step'))

/** Scrub with the keyboard, as a learner can: Home, then ArrowRight to the step. */
async function scrubTo(page: Page, step: number): Promise<void> {
  await page.getByTestId('timeline-plot').focus()
  await page.keyboard.press('Home')
  for (let i = 0; i < step; i++) await page.keyboard.press('ArrowRight')
  await expect.poll(() => selectedStep(page)).toBe(step)
}

const leafAmount = (page: Page, leaf: string) => page.locator(`.legend [data-leaf="${leaf}"] .amount`).textContent()

/** Hovers the first map bar at `fraction` of its width and returns the walk's levels. */
async function hoverMap(page: Page, fraction: number): Promise<string[]> {
  const box = (await page.getByTestId('map-bar').first().boundingBox())!
  await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2)
  await page.getByTestId('map-walk').waitFor()
  return page.getByTestId('map-walk').locator('[data-level]').evaluateAll((levels) => levels.map((l) => l.getAttribute('data-level') ?? ''))
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]

describeInChromium('web mode in Chromium', () => {
  let preview: WebPreview
  let browser: OpenedApp['browser']
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    ;({ preview, browser, page } = await openApp({ pageErrors, pastWelcome: true }))
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
    // A long line scrolls the editor sideways; Reset brings back the file from its first column.
    await page.keyboard.press('End')
    await page.keyboard.type(` /* ${'a long comment '.repeat(12)}*/`)
    const scrolledLeft = () => page.locator('.policy-editor .lines-content').evaluate((el) => Math.max(0, -parseFloat((el as HTMLElement).style.left || '0')))
    await expect.poll(scrolledLeft).toBeGreaterThan(0)
    await page.getByRole('button', { name: 'Reset' }).click()
    expect(await bootSettled(page)).toBe(before)
    await expect.poll(() => page.getByTestId('problem-summary').textContent()).toBe('no problems')
    await expect.poll(scrolledLeft).toBe(0)
  })

  it('an edit that WARNs turns the verdict and console; the splat policy frame jumps the editor to that line', async () => {
    await choose(page, 'Kernel policy', BASE_KERNEL)
    await choose(page, 'Scenario', HOST)
    expect(await verdictStatus(page)).toBe('booted')
    expect(await page.getByTestId('console').locator('.splat').count()).toBe(0)

    // Go to the opening brace of map_mem() and add a WARN_ON(1) as its first statement, as a learner would type it.
    await goToLineEnd(page, lineOf(`resources/policies/${BASE_KERNEL}`, 'map_mem(void)') + 1)
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
    // Long lines wrap to the pane, so the link at a splat line's end is on screen; unwrapped it is past the edge.
    const rightOf = async (l: ReturnType<Page['locator']>) => {
      const b = (await l.boundingBox())!
      return b.x + b.width
    }
    const dmesg = page.getByTestId('console')
    expect(await rightOf(frame)).toBeLessThanOrEqual(await rightOf(dmesg))
    await page.getByTestId('console-wrap').uncheck()
    expect(await rightOf(frame)).toBeGreaterThan(await rightOf(dmesg))
    await page.getByTestId('console-wrap').check()
  })

  it("keeps the learner's edit across a reload (saved in localStorage)", async () => {
    await page.reload()
    expect(await bootSettled(page)).toBeTruthy()
    expect(await page.getByLabel('Kernel policy', { exact: true }).inputValue()).toBe(BASE_KERNEL)
    await expect.poll(() => page.locator('.policy-editor .monaco-editor .view-lines').textContent()).toContain('WARN_ON(1);')
    expect(await page.locator('.policy-editor .file').textContent()).toBe(`${BASE_KERNEL} (edited)`)
  })

  it("the memory map says what the linear map costs in table pages, the boot's own counters (lab 1 asks)", async () => {
    // The base kernel on host, as the command line's --json counters have it (the WARN_ON(1) above changes no table).
    const { counters } = await bootWith('host', readFileSync(join(import.meta.dirname, '../../resources/policies', BASE_KERNEL), 'utf8'), BASE_KERNEL)
    const total = counters.pudTables + counters.pmdTables + counters.pteTables
    await page.getByTestId('tab-map').click()
    const line = page.getByTestId('map-table-pages')
    await expect.poll(() => line.textContent()).toContain(`at the end of boot: ${total} (`)
    expect((await line.textContent())!.replace(/\s+/g, ' ')).toContain(
      `PUD ${counters.pudTables} · PMD ${counters.pmdTables} · PTE ${counters.pteTables}; from memblock ${counters.tablePagesByAllocator.memblock}, buddy ${counters.tablePagesByAllocator.buddy}`,
    )
    await page.getByTestId('tab-console').click()
  })

  it('timeline: scrubbing across the repaint turns the memory map from blocks to PTEs; hovering shows the walk', async () => {
    await choose(page, 'Kernel policy', BASE_KERNEL)
    if (await page.getByRole('button', { name: 'Reset', exact: true }).isEnabled()) await page.getByRole('button', { name: 'Reset', exact: true }).click()
    await choose(page, 'Scenario', REALM_MIXED)
    await page.getByTestId('tab-map').click()
    const caps = Number(await page.getByTestId('caps-finalized').getAttribute('data-step'))
    expect(await page.locator('.blackout').count()).toBe(2)
    expect(await page.locator('.calls [data-outcome="error"]').count()).toBeGreaterThan(0)

    // setup_system_features finalizes the caps; its child step repaints, and the picture holds from there.
    await scrubTo(page, caps)
    expect(await page.getByTestId('map-picture').textContent()).toBe('after mem_init')
    expect(await leafAmount(page, 'PTE')).toBe('–')
    expect(await leafAmount(page, 'PUD')).toBe('3 GiB')
    expect(await hoverMap(page, 0.9)).toEqual(['pgd', 'pud'])
    expect(await page.getByTestId('map-walk-leaf').textContent()).toMatch(/^PUD: 1 GiB block/)
    await shoot(page, 'web-memory-map-before-repaint.png')

    await scrubTo(page, caps + 1)
    expect(await page.getByTestId('map-picture').textContent()).toBe('after caps finalization')
    expect(await leafAmount(page, 'PUD')).toBe('–')
    expect(await leafAmount(page, 'PTE')).toMatch(/GiB|MiB/)
    expect(await hoverMap(page, 0.9)).toEqual(['pgd', 'pud', 'pmd', 'pte'])
    expect(await page.getByTestId('step-info').textContent()).toContain('linear_map_maybe_split_to_ptes')
    await shoot(page, 'web-timeline.png')

    // Zoom: the buttons, then the wheel over the bar.
    expect(await page.getByTestId('map-view-size').first().textContent()).toBe('4 GiB shown')
    await page.getByRole('button', { name: 'Zoom in on region 1' }).click()
    expect(await page.getByTestId('map-view-size').first().textContent()).toBe('2 GiB shown')
    await hoverMap(page, 0.5)
    await page.mouse.wheel(0, -500)
    await expect.poll(() => page.getByTestId('map-view-size').first().textContent()).not.toBe('2 GiB shown')
    await page.getByRole('button', { name: 'Whole', exact: true }).first().click()

    // At the end of boot, drag over the top of RAM, where the DMA pools were shared: the zoom shows them.
    await page.getByRole('button', { name: 'Follow end of boot' }).click()
    const bar = (await page.getByTestId('map-bar').first().boundingBox())!
    await page.mouse.move(bar.x + bar.width * 0.978, bar.y + bar.height / 2)
    await page.mouse.down()
    await page.mouse.move(bar.x + bar.width * 0.986, bar.y + bar.height / 2, { steps: 4 })
    await page.mouse.up()
    expect(await page.getByTestId('map-view-size').first().textContent()).toMatch(/MiB shown$/)
    await hoverMap(page, 0.5)
    await shoot(page, 'web-memory-map.png')
    await page.getByRole('button', { name: 'Whole', exact: true }).first().click()

    // A drag across the plot scrubs through the steps the pointer passes.
    const plot = (await page.getByTestId('timeline-plot').boundingBox())!
    await page.mouse.move(plot.x + plot.width - 4, plot.y + plot.height / 2)
    await page.mouse.down()
    await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height / 2, { steps: 5 })
    const midway = await selectedStep(page)
    await page.mouse.up()
    expect(midway).toBeLessThan(caps)
    expect(midway).toBeGreaterThan(0)
  })

  it('scenario panel: a CPU model without BBML2_NOABORT turns the failing realm boot into a clean one; errors show at the field', async () => {
    await choose(page, 'Scenario', REALM)
    expect(await verdictStatus(page)).toBe('failed')
    await page.getByTestId('tab-scenario').click()
    expect(await page.getByTestId('cpu-row').first().locator('.bbml2').getAttribute('data-bbml2')).toBe('true')

    await page.getByLabel('CPU row 1 model').selectOption('neoverse-n2')
    expect(await bootSettled(page)).toBe('booted')
    expect(await page.getByTestId('cpu-row').first().locator('.bbml2').getAttribute('data-bbml2')).toBe('false')
    await shoot(page, 'web-scenario.png')

    await page.getByLabel('CPU row 1 revision').fill('r0')
    await expect.poll(() => page.getByTestId('scenario-panel').locator('.field-error:visible').allTextContents()).toEqual(['revision: must look like r0p2'])
    expect(await bootSettled(page)).toBe('scenario-invalid')

    await page.getByTestId('scenario-reset').click()
    expect(await bootSettled(page)).toBe('failed')
    expect(await page.getByLabel('CPU row 1 model').inputValue()).toBe('neoverse-v3')
  })

  it('hover text for a kernel helper, and the bundled kernel states read-only', async () => {
    await page.getByTestId('tab-console').click()
    await page.locator('.policy-editor .monaco-editor .view-lines').getByText('system_supports_bbml2_noabort').first().hover()
    const hover = page.locator('.monaco-hover-content').filter({ hasText: 'arch/arm64/kernel/cpufeature.c' })
    await hover.waitFor()
    expect(await hover.textContent()).toContain('kernel function')
    await page.keyboard.press('Escape')

    await page.getByTestId('tab-kernel-states').click()
    await page.getByLabel('Kernel state', { exact: true }).selectOption('patched-v1.c')
    await page.getByTestId('kernel-states').getByText('show as changes to').click()
    await page.getByTestId('kernel-states').locator('.monaco-diff-editor').waitFor()
    await shoot(page, 'web-kernel-states.png')
    await page.getByTestId('tab-console').click()
  })

  it(`keystroke → updated verdict, console and map over ${TIMED_KEYSTROKES} keystrokes (performance marks)`, async () => {
    await choose(page, 'Scenario', REALM_MIXED)
    await page.getByTestId('tab-map').click()
    await focusEditorEnd(page)
    await page.keyboard.press('Enter')
    await page.keyboard.type('// timing ')
    await bootSettled(page)
    // The setup's last painted mark lands on the frame after its boot settled: let that frame pass before counting from zero.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    await page.evaluate(() => performance.clearMarks())
    for (let i = 0; i < TIMED_KEYSTROKES; i++) {
      await page.keyboard.type(String.fromCharCode(97 + (i % 26)))
      await expect.poll(() => page.evaluate(() => performance.getEntriesByName('bootlab:painted').length), { timeout: 20_000 }).toBe(i + 1)
    }
    const marks = await page.evaluate(() => ({
      edits: performance.getEntriesByName('bootlab:edit').map((m) => m.startTime),
      painted: performance.getEntriesByName('bootlab:painted').map((m) => m.startTime),
    }))
    expect(marks.edits).toHaveLength(TIMED_KEYSTROKES)
    const latencies = marks.painted.map((t, i) => t - marks.edits[i])
    const sorted = [...latencies].sort((a, b) => a - b)
    const summary = {
      keystrokes: TIMED_KEYSTROKES,
      scenario: REALM_MIXED,
      policy: BASE_KERNEL,
      p50Ms: Math.round(percentile(sorted, 50)),
      p95Ms: Math.round(percentile(sorted, 95)),
      maxMs: Math.round(sorted[sorted.length - 1]),
      latenciesMs: latencies.map((l) => Math.round(l)),
    }
    console.log(`keystroke → painted boot: p50 ${summary.p50Ms} ms, p95 ${summary.p95Ms} ms (${TIMED_KEYSTROKES} keystrokes, ${REALM_MIXED})`)
    writeFileSync(join(ARTIFACTS, 'keystroke-latency.json'), `${JSON.stringify(summary, null, 2)}\n`)
    expect(summary.p95Ms).toBeLessThan(KEYSTROKE_P95_BOUND_MS)
    await page.getByRole('button', { name: 'Reset', exact: true }).click()
    await bootSettled(page)
  })

  it('a lab: open it from the navigator, type the fix, the goals turn green and the course counts it', async () => {
    expect(await page.getByTestId('labs-done').textContent()).toBe('0/10 done')
    await page.locator('[data-lab="06-secondary-cpu-check"] button').click()
    await page.locator('[data-testid="lab-goals"][data-settled="true"]').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('lab-goals').getAttribute('data-passed')).toBe('false')
    expect(await page.getByTestId('lab-instructions').locator('h1').textContent()).toMatch(/^Lab 6/)
    expect(await page.getByTestId('lab-instructions').locator('script, img, iframe').count()).toBe(0)
    expect(await page.getByTestId('lab-status').textContent()).toBe('in progress')
    await page.getByTestId('reveal-hint').click()
    expect(await page.getByTestId('lab-hints').locator('li').count()).toBe(1)

    // After the comment that asks "what else could go wrong?", put back the window-2 check.
    await goToLineEnd(page, lineOf('labs/06-secondary-cpu-check/start.c', 'what else could go wrong?') + 1)
    await page.keyboard.press('Enter')
    await page.keyboard.type('if (WARN_ON(num_online_cpus() > 1))')
    await page.keyboard.press('Enter')
    await page.keyboard.type('return -EBUSY;')

    await expect.poll(() => page.locator('[data-testid="lab-goals"][data-settled="true"]').getAttribute('data-passed'), { timeout: 30_000 }).toBe('true')
    expect(await page.locator('[data-testid="lab-goals"] li[data-passed="false"]').count()).toBe(0)
    expect(await page.getByTestId('lab-status').textContent()).toBe('passed')
    expect(await page.getByTestId('labs-done').textContent()).toBe('1/10 done')
    await shoot(page, 'web-lab.png')

    await page.getByTestId('show-solution').click()
    await page.getByTestId('lab-solution').locator('.monaco-diff-editor').waitFor()
    // The reload comes back to the lab (its route), still passed; the course still counts it.
    await page.reload()
    await bootSettled(page)
    expect(await page.getByTestId('lab-pane').getAttribute('data-lab')).toBe('06-secondary-cpu-check')
    expect(await page.getByTestId('lab-status').textContent()).toBe('passed')
    await page.getByRole('button', { name: '← All labs' }).click()
    await bootSettled(page)
    expect(await page.locator('[data-lab="06-secondary-cpu-check"]').getAttribute('data-status')).toBe('passed')
  })

  it('ran without page errors or CSP violations', () => {
    expect(pageErrors).toEqual([])
  })
})
