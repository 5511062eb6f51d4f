/*
 * printk's format string subset (lib/vsprintf.c): %d %i %u %x %X %c %s %p %px %pa
 * %%, length modifiers h/l/ll/z, flags 0 and -, and widths. Values arrive as the
 * policy computed them (bigint, string, or an opaque handle).
 */
import { type CValue, isHandle } from '../policy/value'
import { MAX_LINE_CHARS } from './printk'

const SPEC = /%([-0]*)(\d*)(hh|h|ll|l|z)?([diuxXcsp%])(x|a)?/g

export function formatPrintk(fmt: string, args: readonly CValue[]): string {
  let i = 0
  return fmt.replace(SPEC, (_m, flags: string, width: string, _len: string | undefined, conv: string, pext?: string) => {
    if (conv === '%') return '%'
    const arg = args[i++]
    let text: string
    if (arg === undefined) text = '(null)'
    else if (isHandle(arg)) text = `(${arg.handle})`
    else if (conv === 's') text = String(arg)
    else if (typeof arg === 'string') text = arg
    else if (conv === 'x') text = BigInt.asUintN(64, arg).toString(16)
    else if (conv === 'X') text = BigInt.asUintN(64, arg).toString(16).toUpperCase()
    else if (conv === 'u') text = BigInt.asUintN(64, arg).toString()
    else if (conv === 'c') text = String.fromCharCode(Number(arg & 0xffn))
    else if (conv === 'p') text = pext === 'a' ? '0x' + arg.toString(16).padStart(16, '0') : arg.toString(16).padStart(16, '0')
    else text = arg.toString()
    // Nothing longer than a printk record can show: a huge width or argument must not cost host memory.
    text = text.slice(0, MAX_LINE_CHARS)
    const w = Math.min(Number(width || 0), MAX_LINE_CHARS)
    if (text.length >= w) return text
    if (flags.includes('-')) return text.padEnd(w, ' ')
    return text.padStart(w, flags.includes('0') ? '0' : ' ')
  })
}
