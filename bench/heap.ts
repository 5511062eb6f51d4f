/*
 * Heap measurements in fresh child processes (see heap-probe.ts for what is sampled), so
 * one measurement's garbage and JIT state never leak into the next.
 */
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { HeapProbe } from './heap-probe'

const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
const run = promisify(execFile)

export type { HeapProbe }

/** Boot `policy` on a bundled scenario (by name) or on host-1t resized to `scenario` GiB. */
export async function probeHeap(policy: string, scenario: string | number): Promise<HeapProbe> {
  const args = ['--expose-gc', '--import', 'tsx', join(BENCH_DIR, 'heap-probe.ts'), policy, String(scenario)]
  const { stdout } = await run(process.execPath, args, { cwd: join(BENCH_DIR, '..'), maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop()!) as HeapProbe
}
