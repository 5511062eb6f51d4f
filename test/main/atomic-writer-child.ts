/*
 * The process kill-writer.test.ts kills: it saves two big versions of a file
 * in turn, as fast as it can, with one of the app's atomic writers (the
 * learner's store, or the report exporter), and says "ready" once the first
 * version is on disk.
 *   node --import tsx atomic-writer-child.ts <target> <store|export>
 */
import { pathToFileURL } from 'node:url'
import { writeFileAtomic as writeStore } from '../../src/main/store'
import { writeFileAtomic as writeExport } from '../../src/node/export'

/** Two versions of different lengths, so a torn file (a prefix, or a mix) cannot pass for either. */
export const VERSIONS = [`version A\n${'A'.repeat(3 * 2 ** 20)}\nend A\n`, `version B\n${'b'.repeat(5 * 2 ** 20)}\nend B\n`]

async function saveForever(target: string, writer: string): Promise<never> {
  const write = writer === 'export' ? writeExport : writeStore
  await write(target, VERSIONS[0])
  process.stdout.write('ready\n')
  for (let i = 1; ; i++) await write(target, VERSIONS[i % 2])
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await saveForever(process.argv[2], process.argv[3])
