/*
 * The Share popover offers a link only when the link can be opened: a policy whose compressed
 * form is longer than a share link may be (MAX_SHARE_PAYLOAD) gets a sentence saying so, and how
 * else to send it, instead of a link every BootLab page would refuse.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createPinia } from 'pinia'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { createSSRApp } from 'vue'
import { renderToString } from 'vue/server-renderer'
import SharePopover from '../../src/renderer/components/SharePopover.vue'
import { useKernelResourcesStore } from '../../src/renderer/stores/kernel-resources'
import { useWorkbenchStore } from '../../src/renderer/stores/workbench'
import { decodeShare, MAX_SHARE_PAYLOAD } from '../../src/renderer/share-link'

const realm = { path: 'realm.yaml', text: readFileSync(join(import.meta.dirname, '../../resources/scenarios/realm.yaml'), 'utf8') }

function popoverFor(text: string): Promise<string> {
  const pinia = createPinia()
  const app = createSSRApp(SharePopover).use(pinia)
  useKernelResourcesStore(pinia).$patch({ policies: [{ path: 'mine.c', text: '' }], scenarios: [realm] })
  useWorkbenchStore(pinia).$patch({ policyPath: 'mine.c', policyText: text, scenarioPath: 'realm.yaml' })
  return renderToString(app)
}

describe('SharePopover', () => {
  beforeAll(() => vi.stubGlobal('location', { origin: 'http://127.0.0.1:5173', pathname: '/' }))

  it('a policy of ordinary length gets a link that opens it', async () => {
    const html = await popoverFor('int mine;\n')
    const payload = /#\/share\/([A-Za-z0-9+\-$]+)"/.exec(html)?.[1]
    expect(payload).toBeTruthy()
    expect(decodeShare(payload!)).toEqual({ shared: { policy: { path: 'mine.c', text: 'int mine;\n' }, scenario: realm } })
    expect(html).not.toContain('share-too-long')
  })

  it('a policy too long for a link gets no link, and is told what to do instead', async () => {
    // Text that does not compress: every line different.
    const text = Array.from({ length: 4000 }, (_, i) => `int v${(i * 7919) % 100003}_${i.toString(36)} = ${(i * 104729) % 999983};`).join('\n')
    const html = await popoverFor(text)
    expect(html).toContain('data-testid="share-too-long"')
    expect(html).toMatch(new RegExp(`at most ${MAX_SHARE_PAYLOAD}`))
    expect(html).toContain('Export a')
    expect(html).not.toContain('#/share/')
  })
})
