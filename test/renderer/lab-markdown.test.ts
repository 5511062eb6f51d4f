import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { anchorId, ANSWERS_ANCHOR, markdownInlineToHtml, markdownToHtml, withQuestionsBelow } from '../../src/renderer/lab-markdown'

describe('lab Markdown', () => {
  it('renders a bundled README: headings, code, tables', () => {
    const html = markdownToHtml(readFileSync(join(import.meta.dirname, '../../labs/03-realm-bug/README.md'), 'utf8'))
    expect(html).toContain('<h1>Lab 3 — Reproduce the realm bug</h1>')
    expect(html).toContain('<code>set_<wbr>memory_<wbr>decrypted()</code>')
    expect(html).toContain('<table>')
  })

  it('a long kernel identifier may break after its underscores (in text, code and headings), nowhere else', () => {
    const html = markdownToHtml('# Move swiotlb_update_mem_attributes()\n\nCall `arch_mm_preinit()` from `__init` code, not `__pa_symbol` or `x_`.')
    expect(html).toContain('<h1>Move swiotlb_<wbr>update_<wbr>mem_<wbr>attributes()</h1>')
    expect(html).toContain('<code>arch_<wbr>mm_<wbr>preinit()</code>')
    // Leading and trailing underscores are no place to break.
    expect(html).toContain('from <code>__init</code> code, not <code>__pa_<wbr>symbol</code> or <code>x_</code>.')
  })

  it('a question or hint line renders its inline Markdown, without a paragraph around it, and raw HTML stays text', () => {
    expect(markdownInlineToHtml('Boot `host` and `host-no-bbml2`: which *one* splits?')).toBe('Boot <code>host</code> and <code>host-no-bbml2</code>: which <em>one</em> splits?')
    expect(markdownInlineToHtml('<b onclick=x>no</b>')).toBe('&lt;b onclick=x&gt;no&lt;/b&gt;')
  })

  it("in the app a README's Questions section points at the answer boxes instead of listing the questions again", () => {
    const readme = readFileSync(join(import.meta.dirname, '../../labs/01-linear-map-tour/README.md'), 'utf8')
    const html = markdownToHtml(withQuestionsBelow(readme))
    expect(readme).toContain('1. Which leaf kinds does map_mem() use')
    expect(html).not.toContain('Which leaf kinds does map_mem() use')
    expect(html).toContain(`href="#${ANSWERS_ANCHOR}"`)
    // The rest of the README is kept: the section before and the heading itself.
    expect(html).toContain('Your task')
    expect(html).toMatch(/<h2[^>]*>Questions<\/h2>/)
    // A section after Questions survives; a README without one is unchanged.
    expect(withQuestionsBelow('## Questions\n\n1. a?\n\n## Notes\n\nkeep')).toContain('## Notes\n\nkeep')
    expect(withQuestionsBelow('# Lab\n\nno questions here')).toBe('# Lab\n\nno questions here')
  })

  it('raw HTML stays text: no script, no inline handler, no iframe', () => {
    const html = markdownToHtml('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<iframe src="https://example.com"></iframe>')
    expect(html).not.toMatch(/<script|<img|<iframe/)
    expect(html).toContain('&lt;script&gt;')
  })

  it('images become their alt text: nothing is fetched', () => {
    const html = markdownToHtml('![the linear map](https://example.com/map.png) and ![local](map.png)')
    expect(html).not.toContain('<img')
    expect(html).toContain('[image: the linear map]')
    expect(html).toContain('[image: local]')
  })

  it('only https links and anchors keep an href', () => {
    const html = markdownToHtml('[a](https://lore.kernel.org/x) [b](#questions) [c](http://example.com) [d](file:///etc/passwd) [e](../../other-lab/README.md) [f](javascript:alert(1))')
    expect(html).toContain('<a href="https://lore.kernel.org/x" rel="noopener noreferrer">a</a>')
    expect(html).toContain('<a href="#questions">b</a>')
    for (const text of ['c', 'e']) expect(html).toContain(`<a>${text}</a>`)
    // markdown-it itself refuses file: and javascript: links; they stay text.
    expect(html).not.toMatch(/href="(file|javascript):/)
  })

  it('a #link with a malformed percent escape scrolls to the id as written instead of throwing (issue 11, item 11)', () => {
    expect(anchorId('#lab-3%E2%80%94goals')).toBe('lab-3—goals')
    expect(anchorId('#100%')).toBe('100%')
    expect(anchorId('#%E2%80')).toBe('%E2%80')
  })
})
