/*
 * Text from outside (file names, a policy's strings, quoted source, lab files)
 * made safe to print on a terminal: every control character (C0, DEL, C1) and
 * every bidirectional override is shown as an escape (\n, \x1b, \u202e), so a
 * name holding a newline cannot start a forged line, and ESC/OSC sequences
 * never reach the terminal. JSON output needs none of this: JSON.stringify
 * already escapes C0 and the reader is a program.
 */

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

// C0, DEL, C1, the bidi embeddings/overrides/isolates (Trojan Source), line/paragraph separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g

function escape(c: string): string {
  if (NAMED[c]) return NAMED[c]
  const code = c.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** `text` with every control character escaped (shown, not interpreted). */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escape)
}

/**
 * A file name as raw bytes shown as text: UTF-8 when it is valid UTF-8, otherwise each byte that
 * is not ASCII as \xNN. A backslash in the name is shown doubled (as `ls -b` does), so a name
 * holding the text "\xff" never reads like one holding the byte 0xff: two files, two names.
 */
export function nameFromBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/\\/g, '\\\\')
  } catch {
    return Array.from(bytes, (b) => (b === 0x5c ? '\\\\' : b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('')
  }
}
