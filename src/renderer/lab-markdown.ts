/*
 * A lab's Markdown as HTML for the instructions pane. Labs may come from a
 * folder the learner opened, so the text is untrusted: markdown-it runs with
 * raw HTML off, images become their alt text (no remote fetches, and a lab has
 * no image files to show), and only https: links and #anchors keep an href.
 * DOMPurify then cleans the result in the page as a second line of defence.
 * The pane itself decides what a click on a link does (never navigate the app).
 */
import DOMPurify from 'dompurify'
import MarkdownIt from 'markdown-it'

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false })

markdown.renderer.rules.image = (tokens, index) => {
  const alt = tokens[index].children?.map((child) => child.content).join('') ?? ''
  return `<span class="image-alt">[image: ${markdown.utils.escapeHtml(alt)}]</span>`
}

const SAFE_HREF = /^(https:\/\/|#)/i
const defaultLinkOpen = markdown.renderer.rules.link_open ?? ((tokens, index, options, _env, self) => self.renderToken(tokens, index, options))
markdown.renderer.rules.link_open = (tokens, index, options, env, self) => {
  const token = tokens[index]
  const href = String(token.attrGet('href') ?? '')
  if (!SAFE_HREF.test(href)) token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'href')
  else if (!href.startsWith('#')) token.attrSet('rel', 'noopener noreferrer')
  return defaultLinkOpen(tokens, index, options, env, self)
}

/** The Markdown rendered with the rules above (no sanitiser: that needs a DOM). */
export function markdownToHtml(text: string): string {
  return markdown.render(text)
}

/** Sanitised HTML for the instructions pane. */
export function labHtml(text: string): string {
  return DOMPurify.sanitize(markdownToHtml(text), {
    FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'iframe', 'object', 'embed', 'svg', 'math'],
    ALLOWED_URI_REGEXP: SAFE_HREF,
  })
}

/** The element id a `#` link scrolls to: percent-decoded, or as written when its escapes are malformed (`#100%`). */
export function anchorId(href: string): string {
  const raw = href.replace(/^#/, '')
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}
