/*
 * The kernel log as dmesg shows it (kernel/printk): `[    0.000000] text`.
 * Timestamps stay 0 until time_init() starts the clock, as in real early logs.
 */
import type { ConsoleLevel, ConsoleLine } from '../result'
import { flatCopy, MAX_LINE_CHARS } from './format'

export { MAX_LINE_CHARS }

export function formatTimestamp(seconds: number): string {
  const micros = Math.round(seconds * 1e6)
  const whole = Math.floor(micros / 1e6)
  const frac = String(micros % 1e6).padStart(6, '0')
  return `[${String(whole).padStart(5, ' ')}.${frac}]`
}

/** A real boot prints a few hundred lines; this many means a policy printing in a loop, which must not fill host memory. */
export const MAX_CONSOLE_LINES = 10_000

export class KernelLog {
  readonly lines: ConsoleLine[] = []

  /** `full` is called instead of adding line MAX_CONSOLE_LINES + 1, and must stop the boot. */
  constructor(
    private readonly clock: () => { time: number; step: number },
    private readonly full: () => never,
  ) {}

  printk(level: ConsoleLevel, message: string, splat?: number, source?: ConsoleLine['source']): number {
    if (this.lines.length >= MAX_CONSOLE_LINES) this.full()
    const { time, step } = this.clock()
    // printk_sprint() (kernel/printk/printk.c): "Mark and strip a trailing newline": it ends the
    // record (LOG_NEWLINE) and is not part of its text.
    const body = message.endsWith('\n') ? message.slice(0, -1) : message
    // A flat copy of the cut: a slice would keep the whole message alive with the record.
    const text = body.length > MAX_LINE_CHARS ? flatCopy(body.slice(0, MAX_LINE_CHARS)) : body
    const line: ConsoleLine = { time, level, text, line: `${formatTimestamp(time)} ${text}`, step }
    if (splat !== undefined) line.splat = splat
    if (source) line.source = source
    this.lines.push(line)
    return this.lines.length - 1
  }
}
