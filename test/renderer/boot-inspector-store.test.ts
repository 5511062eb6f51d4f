import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import type { BootResult, BootStep, MapSnapshot, TraceEvent } from '../../src/core'
import { useBootInspectorStore } from '../../src/renderer/stores/boot-inspector'
import { useWorkbenchStore } from '../../src/renderer/stores/workbench'

/** A boot of `steps` flat steps with a map picture taken at the end of each of the given steps. */
function booted(steps: number, pictures: number[]): BootResult {
  const events: TraceEvent[] = []
  for (let step = 0; step < steps; step++) {
    events.push({ kind: 'step', step, fn: `step${step}`, phase: 'enter' })
    const picture = pictures.indexOf(step)
    if (picture >= 0) events.push({ kind: 'snapshot', snapshot: picture, step })
    events.push({ kind: 'step', step, fn: `step${step}`, phase: 'exit' })
  }
  return {
    steps: Array.from({ length: steps }, (_, index) => ({ index, fn: `step${index}` }) as BootStep),
    snapshots: pictures.map((step) => ({ step, label: `after ${step}`, extents: [], ptdump: [] }) as MapSnapshot),
    events,
  } as BootResult
}

function show(result: BootResult): void {
  // The views draw the workbench's newest good boot (stores/workbench.ts goodBoot).
  const outcome = { kind: 'booted' as const, diagnostics: [], result }
  useWorkbenchStore().outcome = outcome
  useWorkbenchStore().goodBoot = { outcome, result, at: new Date(), text: '', scenarioText: '' }
}

beforeEach(() => setActivePinia(createPinia()))

describe('boot inspector store', () => {
  it('follows the end of boot until a step is picked', () => {
    const inspector = useBootInspectorStore()
    expect(inspector.selectedStep).toBeNull()
    expect(inspector.snapshot).toBeNull()
    show(booted(10, [2, 9]))
    expect(inspector.selectedStep).toBe(9)
    expect(inspector.snapshot?.label).toBe('after 9')
    show(booted(12, [2, 11]))
    expect(inspector.selectedStep).toBe(11)
  })

  it('a picked step shows the picture in force there, and survives a re-boot', () => {
    const inspector = useBootInspectorStore()
    show(booted(10, [2, 6, 9]))
    inspector.selectStep(5)
    expect(inspector.step?.fn).toBe('step5')
    expect(inspector.snapshot?.label).toBe('after 2')
    inspector.selectStep(1)
    expect(inspector.snapshot).toBeNull()
    inspector.selectStep(6)
    show(booted(10, [2, 6, 9]))
    expect(inspector.snapshot?.label).toBe('after 6')
  })

  it('clamps to the steps of a shorter boot and goes back to following', () => {
    const inspector = useBootInspectorStore()
    show(booted(10, [2]))
    inspector.selectStep(50)
    expect(inspector.selectedStep).toBe(9)
    inspector.selectStep(-3)
    expect(inspector.selectedStep).toBe(0)
    inspector.selectStep(8)
    show(booted(5, [2]))
    expect(inspector.selectedStep).toBe(4)
    inspector.selectStep(null)
    expect(inspector.pickedStep).toBeNull()
  })

  it('a reset of the policy to its start follows the end of boot again (the pick was about the text before)', async () => {
    const inspector = useBootInspectorStore()
    const workbench = useWorkbenchStore()
    show(booted(10, [2]))
    inspector.selectStep(4)
    workbench.resets++
    await nextTick()
    expect(inspector.pickedStep).toBeNull()
    expect(inspector.selectedStep).toBe(9)
  })
})
