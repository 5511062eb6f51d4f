/*
 * printk's format string subset (lib/vsprintf.c): %d %i %u %x %X %c %s %p %px %pa
 * %%, length modifiers h/l/ll/z, flags 0 and -, and widths. Values arrive as the
 * policy computed them (bigint, string, or an opaque handle).
 *
 * The kernel's vsnprintf() goes on scanning the format after its buffer is full
 * (to return the length it would have printed); the model stops there instead,
 * since nothing past the record (PRINTKRB_RECORD_MAX) can be shown. So no
 * conversion is expanded beyond what is kept, and the work done is what a
 * native must charge: the format characters scanned plus the characters produced.
 */
import { type CValue, isHandle } from '../policy/value'

// A width never starts with 0 (that is the flag): with `[-0]*\d*` a run of zeros could be split
// every way before the match fails, quadratic in its length (`%000…0q`).
const SPEC = /%([-0]*)([1-9]\d*)?(hh|h|ll|l|z)?([diuxXcsp%])(x|a)?/
/** What SPEC reads of a '%' that turns out not to start a conversion. */
const SPEC_PREFIX = /%[-0]*(?:[1-9]\d*)?(?:hh|h|ll|l|z)?/y

/** Interpreter steps a native pays per this many characters of format scanned or text produced. */
export const CHARS_PER_STEP = 16

export interface Formatted {
  /** At most MAX_LINE_CHARS characters, a flat string of its own (no slice of a larger one). */
  text: string
  /** Format characters scanned plus characters produced: what the formatting cost. */
  work: number
}

function convert(conv: string, pext: string | undefined, arg: CValue | undefined): string {
  if (arg === undefined) return '(null)'
  if (isHandle(arg)) return `(${arg.handle})`
  if (conv === 's') return String(arg)
  if (typeof arg === 'string') return arg
  if (conv === 'x') return BigInt.asUintN(64, arg).toString(16)
  if (conv === 'X') return BigInt.asUintN(64, arg).toString(16).toUpperCase()
  if (conv === 'u') return BigInt.asUintN(64, arg).toString()
  if (conv === 'c') return String.fromCharCode(Number(arg & 0xffn))
  if (conv === 'p') return pext === 'a' ? '0x' + arg.toString(16).padStart(16, '0') : arg.toString(16).padStart(16, '0')
  return arg.toString()
}

/** printk's record limit (PRINTKRB_RECORD_MAX): the kernel cuts a longer message there, and so does the model. */
export const MAX_LINE_CHARS = 1024

/**
 * A copy of `s` sharing no memory with the strings it was cut from: V8 keeps the
 * whole parent of a slice alive, so a record cut from a long string must be copied.
 */
export function flatCopy(s: string): string {
  return s.split('').join('')
}

export function formatPrintk(fmt: string, args: readonly CValue[]): Formatted {
  let out = ''
  let i = 0
  /** Format characters consumed so far: nothing past the point where the record filled is read. */
  let at = 0
  /** Characters read past `at` by a '%' that was no conversion after all (`%0000…q`). */
  let reread = 0
  const spec = new RegExp(SPEC.source, 'y')
  const room = () => MAX_LINE_CHARS - out.length
  while (room() > 0 && at < fmt.length) {
    const literal = fmt.slice(at, at + room())
    const pct = literal.indexOf('%')
    out += pct < 0 ? literal : literal.slice(0, pct)
    at += pct < 0 ? literal.length : pct
    if (pct < 0) continue
    spec.lastIndex = at
    const m = spec.exec(fmt)
    if (!m) {
      // Not a conversion of the subset: the '%' prints as itself; what the match read still cost.
      SPEC_PREFIX.lastIndex = at
      reread += SPEC_PREFIX.exec(fmt)![0].length
      out += '%'
      at++
      continue
    }
    at = spec.lastIndex
    const [, flags, width, , conv, pext] = m
    if (conv === '%') {
      out += '%'
      continue
    }
    // Nothing longer than the record can show: a huge width or argument must not cost host memory.
    const text = convert(conv, pext, args[i++])
    const pad = !flags.includes('-') && flags.includes('0') ? '0' : ' '
    const padding = Math.min(Math.max(0, Number(width || 0) - text.length), room())
    if (flags.includes('-')) {
      out += text.slice(0, room())
      out += pad.repeat(Math.min(padding, room()))
    } else {
      out += pad.repeat(padding)
      out += text.slice(0, room())
    }
  }
  return { text: flatCopy(out), work: at + reread + out.length }
}

/** The steps a printk-like native charges for its formatting (the call itself was one). */
export const formatSteps = (f: Formatted): number => Math.floor(f.work / CHARS_PER_STEP)
