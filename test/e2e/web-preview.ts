/*
 * Builds web mode once into a temp folder and serves it with `vite preview` on
 * 127.0.0.1 (a free port, so a developer's running preview does not clash).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, preview } from 'vite'

const CONFIG = join(import.meta.dirname, '../../vite.renderer.config.ts')

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export interface WebPreview {
  url: string
  close(): Promise<void>
}

export async function buildAndPreview(): Promise<WebPreview> {
  const outDir = await mkdtemp(join(tmpdir(), 'bootlab-web-'))
  await build({ configFile: CONFIG, logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  const server = await preview({ configFile: CONFIG, logLevel: 'warn', build: { outDir }, preview: { port: await freePort() } })
  const url = server.resolvedUrls?.local[0]
  if (!url) throw new Error('vite preview did not report a URL')
  return {
    url,
    async close() {
      await server.close()
      await rm(outDir, { recursive: true, force: true })
    },
  }
}
