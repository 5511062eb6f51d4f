/*
 * Colour for the command line's words (BOOTED, FAILED, PASS, FAIL, WARN): only
 * when the output is a terminal, never under NO_COLOR (https://no-color.org),
 * --no-color or a pipe; FORCE_COLOR=1 turns it on for a CI log that shows it.
 * Plain SGR codes: one colour per word, each reset right after it.
 */

const CODES = { red: [31, 39], green: [32, 39], yellow: [33, 39], bold: [1, 22], dim: [2, 22] } as const

export type Colour = keyof typeof CODES
export type Style = Record<Colour, (text: string) => string>

export function makeStyle(enabled: boolean): Style {
  const paint = (colour: Colour) => (text: string) => (enabled && text ? `\x1b[${CODES[colour][0]}m${text}\x1b[${CODES[colour][1]}m` : text)
  return { red: paint('red'), green: paint('green'), yellow: paint('yellow'), bold: paint('bold'), dim: paint('dim') }
}

export const PLAIN: Style = makeStyle(false)

/** Whether to colour a stream: a TTY, no NO_COLOR (any non-empty value), no --no-color; FORCE_COLOR (not 0) wins over the TTY test. */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return stream.isTTY === true && env.TERM !== 'dumb'
}

/** Whether to draw a progress line (redrawn with \r and an erase escape) on stderr: a TTY that would be coloured, never under FORCE_COLOR alone. */
export function wantsStatusLine(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
  return stream.isTTY === true && wantsColour(stream, env, noColorFlag)
}
