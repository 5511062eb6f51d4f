/*
 * No lost work: a process saving a file with the app's atomic writers is
 * killed (SIGKILL, no cleanup) at random moments, many times; the file on disk
 * must always be exactly one whole version, never torn, never missing. A
 * temporary file left beside it shows the kill landed mid-write.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../src/labs'
import { VERSIONS } from './atomic-writer-child'

const CHILD = join(import.meta.dirname, 'atomic-writer-child.ts')
/** Rounds run at once: each is a fresh process, most of whose time is starting up. */
const PARALLEL = 5

function startWriter(target: string, writer: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, writer], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child))
    child.once('exit', (code) => reject(new Error(`writer exited (${code}) before its first save`)))
  })
}

/** One round: start a writer, let it save for `delayMs`, SIGKILL it, and look at what is on disk. */
async function round(writer: string, delayMs: number): Promise<{ whole: boolean; midWrite: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'bootlab-kill-'))
  const target = join(dir, 'policy.c')
  const child = await startWriter(target, writer)
  await new Promise((resolve) => setTimeout(resolve, delayMs))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
  const text = readFileSync(target, 'utf8')
  return { whole: VERSIONS.includes(text), midWrite: readdirSync(dir).some((f) => f.endsWith('.tmp')) }
}

async function killRounds(writer: string, rounds: number, seed: number) {
  const random = mulberry32(seed)
  const outcomes: { whole: boolean; midWrite: boolean }[] = []
  for (let done = 0; done < rounds; done += PARALLEL) {
    const batch = Array.from({ length: Math.min(PARALLEL, rounds - done) }, () => round(writer, Math.floor(random() * 400)))
    outcomes.push(...(await Promise.all(batch)))
  }
  return outcomes
}

describe('an atomic writer killed mid-save', () => {
  it.each([
    ['atomic', 60, 'policies, progress, reports and PDFs all go through src/node/atomic-write.ts'],
  ])(
    '%s writer: %i SIGKILLs at random moments never leave a torn or missing file (%s)',
    async (writer, rounds) => {
      const started = performance.now()
      const outcomes = await killRounds(writer, rounds, 20260401)
      const midWrite = outcomes.filter((o) => o.midWrite).length
      console.log(`kill ${writer} writer: ${rounds} rounds, ${midWrite} killed mid-write, ${((performance.now() - started) / 1000).toFixed(1)} s`)
      expect(outcomes.filter((o) => !o.whole)).toEqual([])
      // The test means something only if kills really land inside writes.
      expect(midWrite).toBeGreaterThan(rounds / 4)
    },
    120_000,
  )
})
