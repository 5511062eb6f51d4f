import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { anchorId, markdownToHtml } from '../../src/renderer/lab-markdown'

describe('lab Markdown', () => {
  it('renders a bundled README: headings, code, tables', () => {
    const html = markdownToHtml(readFileSync(join(import.meta.dirname, '../../labs/03-realm-bug/README.md'), 'utf8'))
    expect(html).toContain('<h1>Lab 3 — Reproduce the realm bug</h1>')
    expect(html).toContain('<code>set_memory_decrypted()</code>')
    expect(html).toContain('<table>')
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
