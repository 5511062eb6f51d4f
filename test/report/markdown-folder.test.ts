/*
 * The Markdown report as a folder: report.md, timeline.svg, map-*.svg and policy.patch
 * (left out when the policy is unchanged). Rendered by markdown-it with its default
 * settings (the renderer the project uses) and opened in Chromium, every picture loads.
 * (SVG data URIs would not: markdown-it's default link check refuses them, so they would
 * print as text.) The app saves the folder as one .zip.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { strFromU8, unzipSync } from 'fflate'
import MarkdownIt from 'markdown-it'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compareBoots } from '../../src/report/compare'
import { policyPatch, type ReportInput, SECTIONS } from '../../src/report/content'
import { renderMarkdownFolder, renderMarkdownZip } from '../../src/report/markdown'
import { ARTIFACTS, chromiumMissing, launchChromium } from '../e2e/chromium'
import { bootWith } from '../helpers/boot'
import { PATCHED_V2, swiotlbInPreinit } from './policies'

const missing = chromiumMissing()
if (missing && process.env.CI === 'true') throw new Error(`CI must run the browser tests, but ${missing}`)

let input: ReportInput

beforeAll(async () => {
  const policy = swiotlbInPreinit()
  const result = await bootWith('realm', policy, 'policy.c')
  input = {
    learner: 'Ada Lovelace',
    date: '2026-04-02',
    scenarioName: 'realm',
    policyFile: 'policy.c',
    startPolicyName: 'patched-v2.c',
    startPolicy: PATCHED_V2,
    policy,
    result,
    compare: compareBoots(result, await bootWith('realm', PATCHED_V2, 'patched-v2.c')),
  }
})

const imageLinks = (markdown: string) => [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1])

describe('the Markdown report folder', () => {
  it('holds report.md, the timeline, one map per picture and the patch, and report.md links exactly those', () => {
    const files = renderMarkdownFolder(input)
    const names = files.map((f) => f.name)
    expect(names[0]).toBe('report.md')
    expect(names).toContain('timeline.svg')
    expect(names.filter((n) => /^map-\d+-[a-z0-9_-]+\.svg$/.test(n))).toHaveLength(input.result.snapshots.length)
    expect(names).toContain('map-1-after-map_mem.svg')
    expect(files.find((f) => f.name === 'policy.patch')?.text).toBe(policyPatch(input))
    const md = files[0].text
    expect(imageLinks(md).sort()).toEqual(names.filter((n) => n.endsWith('.svg')).sort())
    expect(md).toContain('[policy.patch](policy.patch)')
    expect(md.split('\n').filter((l) => l.startsWith('## '))).toEqual(Object.values(SECTIONS).map((t) => `## ${t}`))
    for (const f of files.filter((x) => x.name.endsWith('.svg'))) expect(f.text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  })

  it('carries the ptdump of the final map and, when comparing, its diff', () => {
    const md = renderMarkdownFolder(input)[0].text
    expect(md).toContain('---[ Linear Mapping start ]---')
    expect(md).toMatch(/^0xffff0000[0-9a-f]{8}-0xffff[0-9a-f]{12} +\d+[KMG] P[UM]D /m)
    expect(md).toContain('### ptdump diff')
    expect(md).toMatch(/^[-+]0xffff/m)
  })

  it('offers no 0-byte patch: an unchanged policy has no policy.patch, and the report says there is nothing to patch', () => {
    const same = { ...input, policy: PATCHED_V2, compare: undefined }
    const files = renderMarkdownFolder(same)
    expect(files.map((f) => f.name)).not.toContain('policy.patch')
    expect(files[0].text).toContain('unchanged: there is nothing to patch')
    expect(files.every((f) => f.text.length > 0)).toBe(true)
  })

  it("markdown-it's defaults refuse SVG data URIs but show the folder's pictures", () => {
    const md = new MarkdownIt()
    expect(md.render('![map](data:image/svg+xml;charset=utf-8,%3Csvg%2F%3E)')).not.toContain('<img')
    expect(md.render(renderMarkdownFolder(input)[0].text).match(/<img /g)).toHaveLength(1 + input.result.snapshots.length)
  })

  it('the app\'s .zip unpacks to the folder: every file under one folder, the same bytes', () => {
    const zip = renderMarkdownZip(input, 'bootlab-lab-report')
    const unpacked = Object.entries(unzipSync(zip)).map(([name, bytes]) => ({ name, text: strFromU8(bytes) }))
    expect(unpacked).toEqual(renderMarkdownFolder(input).map((f) => ({ name: `bootlab-lab-report/${f.name}`, text: f.text })))
    expect(unpacked.map((f) => f.name)).toContain('bootlab-lab-report/policy.patch')
    expect(renderMarkdownZip(input, 'bootlab-lab-report')).toEqual(zip)
  })
})

if (missing) {
  describe('the Markdown report folder in Chromium', () => {
    it(`skipped: ${missing}`, (context) => context.skip(missing))
  })
} else {
  describe('the Markdown report folder in Chromium', () => {
    let browser: Awaited<ReturnType<typeof launchChromium>>
    beforeAll(async () => {
      browser = await launchChromium()
    })
    afterAll(async () => {
      await browser?.close()
    })

    it('rendered by markdown-it with its default settings, every picture of the folder loads', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bootlab-md-report-'))
      const files = renderMarkdownFolder(input)
      for (const f of files) writeFileSync(join(dir, f.name), f.text)
      const body = new MarkdownIt().render(files[0].text)
      writeFileSync(join(dir, 'report.html'), `<!doctype html><meta charset="utf-8"><body>${body}</body>`)
      const page = await browser.context.newPage()
      await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' })
      const images = await page.locator('img').evaluateAll((all) =>
        (all as HTMLImageElement[]).map((img) => ({ src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 100 && img.naturalHeight > 50 })),
      )
      await page.setViewportSize({ width: 1280, height: 720 })
      await page.locator('img').first().scrollIntoViewIfNeeded()
      await page.screenshot({ path: join(ARTIFACTS, 'report-markdown-folder.png'), fullPage: false })
      await page.close()
      expect(images.map((i) => i.src)).toEqual(imageLinks(files[0].text))
      expect(images.filter((i) => !i.ok)).toEqual([])
    })
  })
}
