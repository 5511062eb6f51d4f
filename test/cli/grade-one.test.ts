/*
 * `bootlab boot --lab <id> --policy <file>` grades one policy through the same sequence as the
 * class grader's workers and the app's worker (src/labs/grade-policy.ts). Lab 04 has a
 * breakpoint goal, which needs the C parser: the command line's own sequence used to leave it
 * out and the command threw "pass the C parser" instead of grading.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/main'
import { labDir } from '../../src/node/resources'

async function grade(file: string, ...flags: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(['boot', '--lab', '04-blackout-windows', '--policy', join(labDir('04-blackout-windows'), file), '--no-color', ...flags], (s) => void out.push(s), (s) => void err.push(s))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('bootlab boot --lab with a breakpoint goal', () => {
  it('grades the solution: every goal passes, the breakpoint goal among them (exit 0)', async () => {
    const r = await grade('solution.c', '--json')
    expect(r.err).toBe('')
    const report = JSON.parse(r.out) as { passed: boolean; goals: { name: string; type: string; passed: boolean }[] }
    const breakpoint = report.goals.find((g) => g.type === 'breakpoint')
    expect(breakpoint).toMatchObject({ name: 'the split refused in window 1 is the whole swiotlb pool', passed: true })
    expect(report.passed).toBe(true)
    expect(r.code).toBe(0)
  }, 60_000)

  it('grades the starting file: it fails goals and says so (exit 1), it does not throw', async () => {
    const r = await grade('start.c')
    expect(r.out).toMatch(/FAIL/)
    expect(r.code).toBe(1)
  }, 60_000)
})
