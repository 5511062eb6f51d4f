/*
 * The keystroke figures come from the app itself: test/e2e/keystroke-latency.test.ts types
 * 60 keys per workload in Chromium and writes what the app's performance marks measured
 * (bootlab:edit → bootlab:painted, and → bootlab:graded for lab goals) into test/artifacts/.
 * A full bench runs that suite first, alone, so the figures are this commit's on a machine
 * doing nothing else (`npm test` also writes them, but while other suites share the CPUs);
 * --quick and --reuse-artifacts read the files the last run left. A missing file is reported
 * as not measured, with the command that measures it. The shell's first paint is read the
 * same way when the workbench writes a first-paint artifact (else skipped).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../scripts/cli-build.mjs'

export const ARTIFACTS = join(ROOT, 'test', 'artifacts')
export const E2E_COMMAND = 'npx vitest run test/e2e/keystroke-latency.test.ts'

export interface KeystrokeFigure {
  workload: string
  mark: string
  keys: number
  p50Ms: number
  p95Ms: number
  maxMs: number
  /** When the e2e measured it. */
  date: string
  file: string
}

export const KEYSTROKE_WORKLOADS = [
  { id: 'realm', name: 'keystroke → painted verdict, realm', file: 'keystroke-latency-realm.json' },
  { id: 'lab05', name: 'keystroke → painted verdict, lab 05', file: 'keystroke-latency-lab05.json' },
  { id: 'lab05-goals', name: 'keystroke → goals re-graded and painted, lab 05', file: 'keystroke-latency-lab05-goals.json' },
  { id: 'host-1t', name: 'keystroke → painted verdict, host-1t', file: 'keystroke-latency-host-1t.json' },
] as const

/** Runs the keystroke e2e now (Chromium required); null when it passed, else why the figures are not fresh. */
export function measureKeystrokes(): string | null {
  if (!existsSync('/usr/bin/chromium')) return 'no /usr/bin/chromium: the figures are the last run\'s'
  const r = spawnSync('npx', ['vitest', 'run', 'test/e2e/keystroke-latency.test.ts'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } })
  return r.status === 0 ? null : `${E2E_COMMAND} failed (exit ${r.status}): the figures are the last run's`
}

export function readKeystrokeFigure(file: string): KeystrokeFigure | null {
  const path = join(ARTIFACTS, file)
  if (!existsSync(path)) return null
  try {
    const a = JSON.parse(readFileSync(path, 'utf8')) as Omit<KeystrokeFigure, 'file' | 'date'> & { date?: string }
    if (typeof a.p95Ms !== 'number' || typeof a.keys !== 'number') return null
    return { ...a, date: a.date ?? statSync(path).mtime.toISOString(), file: path }
  } catch {
    return null
  }
}

/** The shell's first paint, if some artifact records it ({ firstPaintMs } or { ms }). */
export function readFirstPaint(): { ms: number; file: string } | null {
  for (const file of ['first-paint.json', 'shell-first-paint.json']) {
    const path = join(ARTIFACTS, file)
    if (!existsSync(path)) continue
    try {
      // test/e2e/web-workbench-ux.test.ts writes { firstLoad: { firstContentfulPaintMs, shellPaintedMs }, secondLoad }:
      // the figure is the Vue shell's mark on a first load, counted from the request (navigation start).
      const a = JSON.parse(readFileSync(path, 'utf8')) as { firstPaintMs?: number; ms?: number; firstLoad?: { shellPaintedMs?: number } }
      const ms = a.firstLoad?.shellPaintedMs ?? a.firstPaintMs ?? a.ms
      if (typeof ms === 'number') return { ms, file: path }
    } catch {
      // Not a figure: skipped like a missing one.
    }
  }
  return null
}
