/*
 * Component tests: the views rendered to HTML (Vue's server renderer, no DOM needed) over
 * stores holding a real boot of realm-mixed on the base kernel.
 */
import { readFileSync } from 'node:fs'
import { createPinia, type Pinia, setActivePinia } from 'pinia'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Component, createSSRApp } from 'vue'
import { renderToString } from 'vue/server-renderer'
import type { BootResult } from '../../src/core'
import MemoryMapView from '../../src/renderer/components/MemoryMapView.vue'
import ScenarioPanel from '../../src/renderer/components/ScenarioPanel.vue'
import TimelineView from '../../src/renderer/components/TimelineView.vue'
import { useBootInspectorStore } from '../../src/renderer/stores/boot-inspector'
import { useKernelResourcesStore } from '../../src/renderer/stores/kernel-resources'
import { useWorkbenchStore } from '../../src/renderer/stores/workbench'
import { bootNamed } from '../helpers/boot'

let result: BootResult
let pinia: Pinia

beforeAll(async () => {
  result = await bootNamed('realm-mixed', 'unpatched')
})

beforeEach(() => {
  pinia = createPinia()
  setActivePinia(pinia)
  // The views draw the workbench's newest good boot (stores/workbench.ts goodBoot).
  const outcome = { kind: 'booted' as const, diagnostics: [], result }
  useWorkbenchStore().outcome = outcome
  useWorkbenchStore().goodBoot = { outcome, result, at: new Date(), text: '', scenarioText: '' }
})

const render = (component: Component) => renderToString(createSSRApp(component).use(pinia))

describe('TimelineView', () => {
  it('shades both black-out windows, marks caps finalization, every call by outcome, faults and pictures', async () => {
    const html = await render(TimelineView)
    expect(html.match(/class="blackout"/g)).toHaveLength(2)
    expect(html).toContain('black-out 1')
    const caps = result.events.find((e) => e.kind === 'caps-finalized')!.step
    expect(html).toContain(`data-testid="caps-finalized" data-step="${caps}"`)
    for (const call of result.calls) expect(html).toContain(`data-outcome="${call.outcome}" data-caller="${call.caller}"`)
    for (const fault of result.faults) expect(html).toContain(`class="fault" data-step="${fault.step}"`)
    expect(html).toContain('data-allocator="memblock"')
    expect(html).toContain('data-allocator="buddy"')
    expect(html).toContain(`data-selected-step="${result.steps.length - 1}"`)
  })

  it('describes the picked step: its window, CPUs, allocator, and the black-out it is in', async () => {
    const smpInit = result.steps.find((s) => s.fn === 'smp_init')!
    useBootInspectorStore().selectStep(smpInit.index)
    const html = await render(TimelineView)
    expect(html).toContain(`#${smpInit.index} smp_init`)
    expect(html).toContain('buddy allocator')
    expect(html).toContain('Inside secondaries online, caps not final')
  })
})

describe('MemoryMapView', () => {
  it('names the picture in force and counts bytes per leaf kind, before and after the repaint', async () => {
    const caps = result.events.find((e) => e.kind === 'caps-finalized')!.step
    const inspector = useBootInspectorStore()
    inspector.selectStep(caps)
    const before = await render(MemoryMapView)
    expect(before).toContain('data-snapshot-label="after mem_init"')
    expect(before).toMatch(/data-leaf="PUD".*?<span class="amount"[^>]*>3 GiB</s)
    inspector.selectStep(caps + 1)
    const after = await render(MemoryMapView)
    expect(after).toContain('data-snapshot-label="after caps finalization"')
    expect(after).toContain('taken in setup_system_features() after linear_map_maybe_split_to_ptes()')
    expect(after).toMatch(/data-leaf="PUD".*?<span class="amount"[^>]*>–</s)
    expect(after).toContain('RAM region 1 · PA 0x040000000–0x13fffffff · 4 GiB')
  })

  it('says when the linear map does not exist yet', async () => {
    useBootInspectorStore().selectStep(0)
    expect(await render(MemoryMapView)).toContain('the linear map does not exist yet')
  })
})

describe('ScenarioPanel', () => {
  it('shows the machine of the chosen file, with which CPU rows have BBML2_NOABORT', async () => {
    const resources = useKernelResourcesStore()
    resources.scenarios = [{ path: 'realm-mixed.yaml', text: readFileSync('resources/scenarios/realm-mixed.yaml', 'utf8') }]
    useWorkbenchStore().scenarioPath = 'realm-mixed.yaml'
    const html = await render(ScenarioPanel)
    expect(html).toContain('CPU 0–1')
    expect(html).toContain('CPU 2–3')
    expect(html.match(/data-bbml2="true"/g)).toHaveLength(1)
    expect(html.match(/data-bbml2="false"/g)).toHaveLength(1)
    expect(html).toContain('value="4G"')
  })
})
