/*
 * Child process of amplification.test.ts: boots one policy through the command
 * line's runBoot (the path `bootlab boot --policy file.c` takes) in a fresh V8
 * heap with a hard cap, and prints what it cost as JSON: wall time, the heap
 * growth right after the boot and still held after a full GC, the exit status and the
 * policy error line. Run with --expose-gc.
 */
import { runBoot } from '../../../src/cli/bootlab'

const [scenario, policyFile] = process.argv.slice(2)
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')
gc()
const before = process.memoryUsage().heapUsed
const out: string[] = []
const err: string[] = []
const started = performance.now()
const code = await runBoot(['--scenario', scenario, '--policy', policyFile, '--json'], (s) => out.push(s), (s) => err.push(s))
const millis = performance.now() - started
// A lower bound of the peak: what the boot left before any collection after it.
const afterBoot = process.memoryUsage().heapUsed - before
const result = JSON.parse(out.join('\n')) as { diagnostics: unknown[]; console: { text: string }[] }
gc()
const retained = process.memoryUsage().heapUsed - before
process.stdout.write(
  JSON.stringify({ code, err, millis, afterBoot, retained, diagnostics: result.diagnostics, lines: result.console.length, longest: Math.max(...result.console.map((l) => l.text.length)) }) + '\n',
)
