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

// Kernel identifiers are long words in a narrow column: a line may break after each underscore
// (swiotlb_<wbr>update_<wbr>mem_<wbr>attributes) rather than at any letter.
const breakAfterUnderscores = (escaped: string) => escaped.replace(/(?<=[A-Za-z0-9])_(?=[A-Za-z0-9])/g, '_<wbr>')
markdown.renderer.rules.text = (tokens, index) => breakAfterUnderscores(markdown.utils.escapeHtml(tokens[index].content))
markdown.renderer.rules.code_inline = (tokens, index, _options, _env, self) =>
  `<code${self.renderAttrs(tokens[index])}>${breakAfterUnderscores(markdown.utils.escapeHtml(tokens[index].content))}</code>`

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

/** One line of a lab's text (a question, a hint, an answer) with its inline Markdown: `code`, *emphasis*, links. */
export function markdownInlineToHtml(text: string): string {
  return markdown.renderInline(text)
}

const PURIFY = { FORBID_TAGS: ['img', 'style', 'form', 'input', 'button', 'iframe', 'object', 'embed', 'svg', 'math'], ALLOWED_URI_REGEXP: SAFE_HREF }

/** Sanitised HTML for the instructions pane. */
export function labHtml(text: string): string {
  return DOMPurify.sanitize(markdownToHtml(text), PURIFY)
}

/** Sanitised HTML for one line of a lab's text. */
export function labInlineHtml(text: string): string {
  return DOMPurify.sanitize(markdownInlineToHtml(text), PURIFY)
}

/** The id of the lab pane's answers section, which a README's questions point to in the app. */
export const ANSWERS_ANCHOR = 'your-answers'

/**
 * A README's "## Questions" section in the app: the questions are the answer boxes' prompts below,
 * so the section says where they are instead of listing them a second time (the README keeps its
 * list for the terminal, where `bootlab lab` prints it).
 */
export function withQuestionsBelow(markdown: string): string {
  const lines = markdown.split('\n')
  const start = lines.findIndex((l) => /^##\s+Questions\s*$/.test(l))
  if (start < 0) return markdown
  const next = lines.findIndex((l, i) => i > start && /^#{1,2}\s/.test(l))
  const end = next < 0 ? lines.length : next
  const pointer = ['', `Answer them under [Your answers](#${ANSWERS_ANCHOR}) below; your answers go in the report.`, '']
  return [...lines.slice(0, start + 1), ...pointer, ...lines.slice(end)].join('\n')
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
