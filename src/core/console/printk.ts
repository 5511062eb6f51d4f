/*
 * The kernel log as dmesg shows it (kernel/printk): `[    0.000000] text`.
 * Timestamps stay 0 until time_init() starts the clock, as in real early logs.
 */
import type { ConsoleLevel, ConsoleLine } from '../boot/result'

export function formatTimestamp(seconds: number): string {
  const micros = Math.round(seconds * 1e6)
  const whole = Math.floor(micros / 1e6)
  const frac = String(micros % 1e6).padStart(6, '0')
  return `[${String(whole).padStart(5, ' ')}.${frac}]`
}

export class KernelLog {
  readonly lines: ConsoleLine[] = []

  constructor(private readonly clock: () => { time: number; step: number }) {}

  printk(level: ConsoleLevel, text: string, splat?: number): number {
    const { time, step } = this.clock()
    const line: ConsoleLine = { time, level, text, line: `${formatTimestamp(time)} ${text}`, step }
    if (splat !== undefined) line.splat = splat
    this.lines.push(line)
    return this.lines.length - 1
  }
}
