import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appFilePath, appResponse } from '../../src/node/app-protocol'

const CSP = "default-src 'self'"
let root: string

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bootlab-app-'))
  root = join(dir, 'renderer')
  await mkdir(join(root, 'assets'), { recursive: true })
  await writeFile(join(root, 'index.html'), '<!doctype html>')
  await writeFile(join(root, 'assets', 'tree-sitter-c.wasm'), new Uint8Array([0, 97, 115, 109]))
  await writeFile(join(dir, 'secret.txt'), 'outside the renderer folder')
})
afterAll(async () => {
  await rm(join(root, '..'), { recursive: true, force: true })
})

describe('app:// protocol', () => {
  it('maps app://bootlab/ paths into the renderer folder only', () => {
    expect(appFilePath(root, 'app://bootlab/')).toBe(join(root, 'index.html'))
    expect(appFilePath(root, 'app://bootlab/assets/x.js?v=1#h')).toBe(join(root, 'assets', 'x.js'))
    // The URL parser already folds dot segments, so these stay at the folder's top...
    expect(appFilePath(root, 'app://bootlab/../secret.txt')).toBe(join(root, 'secret.txt'))
    expect(appFilePath(root, 'app://bootlab/%2e%2e/secret.txt')).toBe(join(root, 'secret.txt'))
    // ...and encoded slashes, which it does not fold, are caught after decoding.
    expect(appFilePath(root, 'app://bootlab/assets/%2e%2e%2f..%2fsecret.txt')).toBeNull()
    expect(appFilePath(root, 'app://bootlab/%E0%A4%A')).toBeNull()
    expect(appFilePath(root, 'app://other/index.html')).toBeNull()
    expect(appFilePath(root, 'file:///etc/passwd')).toBeNull()
  })

  it('serves files with their type and the CSP header', async () => {
    const wasm = await appResponse(root, 'app://bootlab/assets/tree-sitter-c.wasm', CSP)
    expect(wasm.status).toBe(200)
    expect(wasm.headers).toEqual({ 'Content-Type': 'application/wasm', 'Content-Security-Policy': CSP })
    expect([...(wasm.body as Uint8Array)]).toEqual([0, 97, 115, 109])
    expect((await appResponse(root, 'app://bootlab/index.html', CSP)).headers['Content-Type']).toBe('text/html; charset=utf-8')
  })

  it('answers 404 for missing files, unknown types and paths outside the folder', async () => {
    for (const url of ['app://bootlab/missing.js', 'app://bootlab/assets/tree-sitter-c.exe', 'app://bootlab/%2e%2e/secret.txt']) {
      expect((await appResponse(root, url, CSP)).status).toBe(404)
    }
  })
})
