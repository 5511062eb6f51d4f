/*
 * The process kill-writer.test.ts kills: it saves two big versions of a file
 * in turn, as fast as it can, with the app's atomic writer (every saved
 * policy, progress file, report and PDF), and says "ready" once the first
 * version is on disk.
 *   node --import tsx atomic-writer-child.ts <target> <label>
 */
import { pathToFileURL } from 'node:url'
import { writeFileAtomic } from '../../src/node/atomic-write'

/** Two versions of different lengths, so a torn file (a prefix, or a mix) cannot pass for either. */
export const VERSIONS = [`version A\n${'A'.repeat(3 * 2 ** 20)}\nend A\n`, `version B\n${'b'.repeat(5 * 2 ** 20)}\nend B\n`]

async function saveForever(target: string): Promise<never> {
  await writeFileAtomic(target, VERSIONS[0])
  process.stdout.write('ready\n')
  for (let i = 1; ; i++) await writeFileAtomic(target, VERSIONS[i % 2])
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await saveForever(process.argv[2])
