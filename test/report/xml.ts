/*
 * A small well-formedness check for the SVG the report builds (no DOM in
 * Node): balanced and properly nested tags, quoted attributes, no raw `<` or
 * stray `&` in text. Returns the first problem, or null.
 */
const NAME = '[A-Za-z_][\\w:.-]*'
const ATTRIBUTE = new RegExp(`\\s+${NAME}\\s*=\\s*("[^"<]*"|'[^'<]*')`, 'y')
const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y

export function xmlProblem(xml: string): string | null {
  const open: string[] = []
  let i = 0
  let roots = 0
  while (i < xml.length) {
    const c = xml[i]
    if (c === '&') {
      ENTITY.lastIndex = i
      if (!ENTITY.test(xml)) return `stray & at ${i}`
      i = ENTITY.lastIndex
      continue
    }
    if (c !== '<') {
      if (!open.length && !/\s/.test(c)) return `text outside the root element at ${i}`
      i++
      continue
    }
    const close = /^<\/([A-Za-z_][\w:.-]*)\s*>/.exec(xml.slice(i))
    if (close) {
      if (open.pop() !== close[1]) return `</${close[1]}> at ${i} does not close the open element`
      i += close[0].length
      continue
    }
    const start = new RegExp(`<(${NAME})`, 'y')
    start.lastIndex = i
    const tag = start.exec(xml)
    if (!tag) return `< that starts no tag at ${i}`
    let j = start.lastIndex
    ATTRIBUTE.lastIndex = j
    while (ATTRIBUTE.exec(xml)) j = ATTRIBUTE.lastIndex
    const end = /\s*(\/?)>/y
    end.lastIndex = j
    const m = end.exec(xml)
    if (!m) return `malformed attributes in <${tag[1]}> at ${i}`
    if (!open.length && ++roots > 1) return `a second root element at ${i}`
    if (!m[1]) open.push(tag[1])
    i = end.lastIndex
    // Attribute names must be unique within a tag.
    const names = [...xml.slice(start.lastIndex, j).replace(/"[^"]*"|'[^']*'/g, '').matchAll(new RegExp(`(${NAME})\\s*=`, 'g'))].map((n) => n[1])
    if (new Set(names).size !== names.length) return `duplicate attribute in <${tag[1]}> at ${start.lastIndex}`
  }
  return open.length ? `unclosed <${open[open.length - 1]}>` : roots === 1 ? null : 'no root element'
}
