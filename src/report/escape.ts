/*
 * Text for HTML and SVG documents. Escapes the five XML specials and replaces
 * control characters XML forbids, so a learner's policy or a console line can
 * never break out of an element or make an inline SVG ill-formed.
 */

const SPECIALS: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

// XML 1.0 allows tab, newline and carriage return; every other C0 control is illegal.
const FORBIDDEN_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => SPECIALS[c]).replace(FORBIDDEN_CONTROLS, '\ufffd')
}
