/*
 * The export panel offers no 0-byte .patch: when the booted policy is the starting policy
 * it says there is nothing to patch instead of offering the button.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createPinia, setActivePinia } from 'pinia'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSSRApp } from 'vue'
import { renderToString } from 'vue/server-renderer'
import type { BootResult } from '../../src/core'
import ExportPanel from '../../src/renderer/components/ExportPanel.vue'
import { useKernelResourcesStore } from '../../src/renderer/stores/kernel-resources'
import { useReportStore } from '../../src/renderer/stores/report'
import type { BootlabApi } from '../../src/shared/bootlab-api'
import { useWorkbenchStore } from '../../src/renderer/stores/workbench'
import { bootNamed } from '../helpers/boot'

const file = (dir: string, name: string) => ({ path: name, text: readFileSync(join(import.meta.dirname, '../../resources', dir, name), 'utf8') })
let result: BootResult

beforeAll(async () => {
  result = await bootNamed('realm', 'patched-v1')
})
beforeEach(() => setActivePinia(createPinia()))

async function panelFor(text: string): Promise<string> {
  const pinia = createPinia()
  setActivePinia(pinia)
  useKernelResourcesStore().$patch({ policies: [file('policies', 'unpatched.c'), file('policies', 'patched-v1.c')], scenarios: [file('scenarios', 'realm.yaml')] })
  const workbench = useWorkbenchStore()
  workbench.$patch({ policyPath: 'patched-v1.c', policyText: text, scenarioPath: 'realm.yaml', bootedText: text })
  workbench.outcome = { kind: 'booted', diagnostics: [], result }
  const storage = { getItem: () => null, setItem: () => undefined }
  useReportStore().connect({ api: { host: 'web' } as BootlabApi, storage, now: () => new Date('2026-03-01T10:00:00Z') })
  return renderToString(createSSRApp(ExportPanel).use(pinia))
}

describe('ExportPanel', () => {
  it('an unchanged policy: no .patch button, and it says there is nothing to patch', async () => {
    const html = await panelFor(file('policies', 'patched-v1.c').text)
    expect(html).not.toContain('data-testid="export-patch"')
    expect(html).toContain('there is nothing to patch')
  })

  it('an edited policy: the .patch button, no such note', async () => {
    const html = await panelFor(`${file('policies', 'patched-v1.c').text}/* mine */\n`)
    expect(html).toContain('data-testid="export-patch"')
    expect(html).not.toContain('nothing to patch')
  })
})
