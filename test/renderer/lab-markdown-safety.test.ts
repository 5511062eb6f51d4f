/*
 * A lab's README comes from a folder of unknown origin and is shown as HTML.
 * Extends lab-markdown.test.ts: hostile Markdown (raw HTML, script and data
 * URLs in every Markdown link form, remote images, event handlers smuggled in
 * titles) fuzzed through markdownToHtml under Node, and through the full
 * labHtml (markdown-it, then DOMPurify) in Chromium, where a script that ran or
 * an image that loaded would show: no script, no handler, no remote fetch, and
 * no link that leaves the app.
 */
import fc from 'fast-check'
import { resolve } from 'node:path'
import { build, type Rollup } from 'vite'
import { describe, expect, it } from 'vitest'
import { markdownToHtml } from '../../src/renderer/lab-markdown'
import { chromiumMissing, launchChromium } from '../e2e/chromium'
import { fuzzTimeout, FUZZ_SEED, fuzzMillis, runFuzz } from '../fuzz/settings'

const PAYLOAD = 'window.pwned=1'
const HOSTILE = [
  `<script>${PAYLOAD}</script>`,
  `<img src=x onerror="${PAYLOAD}">`,
  `<svg onload="${PAYLOAD}"></svg>`,
  `<iframe srcdoc="<script>${PAYLOAD}</script>"></iframe>`,
  '<style>@import url(https://evil.example/x.css)</style>',
  '<link rel=stylesheet href=https://evil.example/x.css>',
  '<meta http-equiv=refresh content="0;url=https://evil.example">',
  '<base href="https://evil.example/">',
  '<form action="https://evil.example"><button>go</button></form>',
  `<a href="javascript:${PAYLOAD}">a</a>`,
  `[js](javascript:${PAYLOAD})`,
  `[js](JaVaScRiPt:${PAYLOAD})`,
  `[js](&#106;avascript:${PAYLOAD})`,
  `[js](java\tscript:${PAYLOAD})`,
  `[vb](vbscript:${PAYLOAD})`,
  `[data](data:text/html,<script>${PAYLOAD}</script>)`,
  '[file](file:///etc/passwd)',
  '[relative](../other-lab/README.md)',
  '[root](/index.html)',
  '[app](app://bootlab/index.html)',
  '[dev](http://127.0.0.1:5173/)',
  '[protocol-relative](//evil.example/x)',
  '[ok](https://lore.kernel.org/x)',
  '[anchor](#questions)',
  `[title](https://ok.example "x\\" onmouseover=\\"${PAYLOAD}")`,
  `[ref][r]\n\n[r]: javascript:${PAYLOAD}`,
  `<javascript:${PAYLOAD}>`,
  '<https://evil.example/autolink>',
  '![pixel](https://evil.example/pixel.png)',
  `![x](x" onerror="${PAYLOAD})`,
  '![local](map.png)',
  `\`\`\`html\n<script>${PAYLOAD}</script>\n\`\`\``,
  '| a | b |\n|:--|--:|\n| <b onclick=x>1</b> | 2 |',
  '# Heading\n\nText with `code` and **bold** and *em*.',
  '> quote\n\n1. one\n2. two\n\n- [ ] task',
]

const hostileMarkdown = fc
  .array(fc.oneof({ arbitrary: fc.constantFrom(...HOSTILE), weight: 3 }, { arbitrary: fc.string({ maxLength: 30 }), weight: 1 }), { minLength: 1, maxLength: 6 })
  .chain((parts) => fc.constantFrom('\n\n', '\n', ' ', '').map((sep) => parts.join(sep)))

/** Tags markdown-it writes with raw HTML off (and the line-break hints inside identifiers), and the attributes each may carry. */
const ALLOWED = /^(p|h[1-6]|em|strong|s|code|pre|blockquote|ul|ol|li|a|hr|br|wbr|table|thead|tbody|tr|th|td|span)$/
const ATTRIBUTE_OK: Record<string, (value: string) => boolean> = {
  href: (v) => /^(https:\/\/|#)/i.test(v),
  rel: (v) => v === 'noopener noreferrer',
  // A fence's info string (escaped, inside quotes): inert text whatever it says.
  class: (v) => /^(image-alt|language-.*)$/s.test(v),
  title: () => true,
  start: (v) => /^\d+$/.test(v),
  style: (v) => /^text-align:(left|right|center)$/.test(v),
}

/** Every tag and attribute of markdown-it's output that is not on the list above. */
function unexpectedMarkup(html: string): string[] {
  const found: string[] = []
  for (const [, name, attrs] of html.matchAll(/<([a-zA-Z][\w-]*)([^>]*)>/g)) {
    if (!ALLOWED.test(name)) found.push(`<${name}>`)
    for (const [, attr, , quoted] of attrs.matchAll(/([^\s=]+)(="([^"]*)")?/g)) {
      const value = (quoted ?? '').replaceAll('&amp;', '&').replaceAll('&quot;', '"')
      if (!Object.hasOwn(ATTRIBUTE_OK, attr) || !ATTRIBUTE_OK[attr](value)) found.push(`${name}[${attr}="${value}"]`)
    }
  }
  return found
}

describe('markdownToHtml (Node, before DOMPurify)', () => {
  it('writes no raw HTML, no handler, no image and no link out of the app for any hostile input', () => {
    for (const md of HOSTILE) expect(unexpectedMarkup(markdownToHtml(md)), md).toEqual([])
  })

  it(
    'fuzzed: only the tags and attributes Markdown itself makes',
    () => {
      runFuzz('lab Markdown (Node)', fc.property(hostileMarkdown, (md) => {
        expect(unexpectedMarkup(markdownToHtml(md))).toEqual([])
      }), 500)
    },
    fuzzTimeout(500),
  )
})

/** lab-markdown.ts bundled for a page, exposing labHtml as LabMarkdown.labHtml. */
async function bundleForBrowser(): Promise<string> {
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry: resolve(import.meta.dirname, '../../src/renderer/lab-markdown.ts'), formats: ['iife'], name: 'LabMarkdown', fileName: 'lab-markdown' } },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[]
  return (Array.isArray(out) ? out[0] : out).output[0].code
}

/** Runs in the page: render each input with labHtml into the DOM and list what should not be there. */
function violationsInPage(inputs: string[]): string[] {
  const api = (window as unknown as { LabMarkdown: { labHtml(md: string): string } }).LabMarkdown
  const pane = document.createElement('article')
  document.body.append(pane)
  const out: string[] = []
  for (const md of inputs) {
    pane.innerHTML = api.labHtml(md)
    for (const el of pane.querySelectorAll('*')) {
      if (/^(script|img|iframe|object|embed|svg|math|form|input|button|style|link|meta|base|video|audio|source)$/i.test(el.tagName)) out.push(`<${el.tagName}> from ${JSON.stringify(md)}`)
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name) || /^(src|srcset|srcdoc|action|formaction)$/i.test(attr.name)) out.push(`${el.tagName}[${attr.name}] from ${JSON.stringify(md)}`)
        if (attr.name === 'href' && !/^(https:\/\/|#)/i.test(attr.value)) out.push(`href="${attr.value}" from ${JSON.stringify(md)}`)
      }
    }
  }
  if ((window as unknown as { pwned?: unknown }).pwned !== undefined) out.push('a payload ran')
  return out
}

describe('labHtml in Chromium (markdown-it, then DOMPurify, into a live DOM)', () => {
  it(
    'hostile and fuzzed READMEs leave no script, handler, remote fetch or link out of the app',
    async (context) => {
      const missing = chromiumMissing()
      if (missing) context.skip(missing)
      const code = await bundleForBrowser()
      const inputs = [...HOSTILE, ...fc.sample(hostileMarkdown, { numRuns: Math.max(3000, fuzzMillis(0) / 5), seed: FUZZ_SEED })]
      const browser = await launchChromium()
      try {
        const page = await browser.context.newPage()
        const requests: string[] = []
        page.on('request', (r) => {
          if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url())
        })
        await page.setContent('<!doctype html><title>lab</title><body></body>')
        await page.addScriptTag({ content: code })
        const started = performance.now()
        const violations = await page.evaluate(violationsInPage, inputs)
        console.log(`fuzz lab Markdown (Chromium): ${inputs.length} READMEs in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${FUZZ_SEED})`)
        await page.waitForTimeout(200)
        expect(violations).toEqual([])
        expect(requests).toEqual([])
      } finally {
        await browser.close()
      }
    },
    fuzzTimeout(30_000),
  )
})
