/*
 * `bootlab boot … --ptdump [--step <fn>]`: instead of the console, print the linear map as
 * the kernel's /sys/kernel/debug/kernel_page_tables shows it (arch/arm64/mm/ptdump.c), at
 * the end of boot or at the end of the named boot step. With --compare, a line diff of
 * the two boots' dumps (' ' both, '-' only the --policy boot, '+' only the --compare boot).
 */
import { type BootResult, closestName } from '../core'
import { lineDiff, ptdumpAt } from '../report/report'

/** The dump's lines, or why there is none (an unknown step, a step before map_mem). */
export function ptdumpLines(result: BootResult, stepFn: string | undefined): { lines: string[] } | { error: string } {
  let step: number | null = null
  if (stepFn !== undefined) {
    const found = result.steps.find((s) => s.fn === stepFn)
    if (!found) {
      const near = closestName(stepFn, result.steps.map((s) => s.fn))
      return { error: `--step ${stepFn}: this boot has no step of that name${near ? `; did you mean '${near}'?` : ` (it ran ${result.steps.map((s) => s.fn).join(', ')})`}` }
    }
    step = found.index
  }
  const dump = ptdumpAt(result, step)
  if (!dump) return { error: `--step ${stepFn}: the linear map does not exist yet at the end of ${stepFn} (map_mem builds it)` }
  return { lines: dump.lines }
}

/** The unified line diff of two dumps. */
export function ptdumpDiffLines(left: string[], right: string[]): string[] {
  return lineDiff(left, right).map((row) => (row.side === 'both' ? ' ' : row.side === 'left' ? '-' : '+') + row.text)
}
