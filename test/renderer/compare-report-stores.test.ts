/*
 * The compare and report stores over real boots: the compare store asks its
 * worker for the default sides and scrubs both boots together through the
 * aligned steps; the report store exports what the workbench shows, remembers
 * the learner's name and answers, and shows a failed export instead of losing it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { createPinia, setActivePinia } from 'pinia'
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import type { BootResult } from '../../src/core'
import { compareBoots, SECTIONS } from '../../src/report/report'
import type { BootlabApi, ExportRequest, TextExport, ZipExport } from '../../src/shared/bootlab-api'
import { EDITOR_POLICY, useCompareStore } from '../../src/renderer/stores/compare'
import { useKernelResourcesStore } from '../../src/renderer/stores/kernel-resources'
import { useReportStore } from '../../src/renderer/stores/report'
import { useWorkbenchStore } from '../../src/renderer/stores/workbench'
import type { CompareInput } from '../../src/renderer/workers/boot-protocol'
import { bootNamed } from '../helpers/boot'

const policy = (name: string) => ({ path: `${name}.c`, text: readFileSync(join(import.meta.dirname, '../../resources/policies', `${name}.c`), 'utf8') })
const scenario = (name: string) => ({ path: `${name}.yaml`, text: readFileSync(join(import.meta.dirname, '../../resources/scenarios', `${name}.yaml`), 'utf8') })

let unpatched: BootResult
let patchedV1: BootResult

beforeAll(async () => {
  ;[unpatched, patchedV1] = await Promise.all([bootNamed('realm', 'unpatched'), bootNamed('realm', 'patched-v1')])
})

/** The workbench editing patched-v1 on realm, showing its boot (no worker). */
function workbenchOnPatchedV1(text = policy('patched-v1').text) {
  useKernelResourcesStore().$patch({ policies: [policy('unpatched'), policy('patched-v1')], scenarios: [scenario('realm')] })
  const workbench = useWorkbenchStore()
  workbench.$patch({ policyPath: 'patched-v1.c', policyText: text, scenarioPath: 'realm.yaml', bootedText: text })
  workbench.outcome = { kind: 'booted', diagnostics: [], result: patchedV1 }
  return workbench
}

beforeEach(() => setActivePinia(createPinia()))

describe('compare store', () => {
  it('compares the base kernel with the editor by default, and scrubs both sides together', async () => {
    workbenchOnPatchedV1()
    const asked: CompareInput[] = []
    const compare = useCompareStore()
    compare.connect({
      comparer: () => ({
        run: async (input: CompareInput) => {
          asked.push(input)
          return { kind: 'compared' as const, left: { kind: 'booted' as const, diagnostics: [], result: unpatched }, right: { kind: 'booted' as const, diagnostics: [], result: patchedV1 }, summary: compareBoots(unpatched, patchedV1) }
        },
      }),
    })
    compare.open()
    await vi.waitFor(() => expect(compare.summary).not.toBeNull())
    expect(compare.left).toEqual({ policy: 'unpatched.c', scenario: 'realm.yaml' })
    expect(compare.right.policy).toBe(EDITOR_POLICY)
    expect(asked[0].left.policy.path).toBe('unpatched.c')
    expect(asked[0].right.policy).toEqual({ path: 'patched-v1.c', text: policy('patched-v1').text })
    expect(compare.summary?.divergence?.explanation).toMatch(/diverge/)

    const mapMem = unpatched.steps.find((s) => s.fn === 'map_mem')!.index
    compare.selectRow(compare.leftColumns.column[mapMem])
    expect(compare.leftStep).toBe(mapMem)
    expect(patchedV1.steps[compare.rightStep!].fn).toBe('map_mem')
    expect(compare.leftPicture?.label).toBe('after map_mem')
    compare.follow()
    expect(compare.leftStep).toBe(unpatched.steps.length - 1)
  })

  function fakeComparer(asked: CompareInput[]) {
    return {
      comparer: () => ({
        run: async (input: CompareInput) => {
          asked.push(input)
          const [l, r] = [input.left.policy.path, input.right.policy.path].map((p) => (p === 'unpatched.c' ? unpatched : patchedV1))
          return { kind: 'compared' as const, left: { kind: 'booted' as const, diagnostics: [], result: l }, right: { kind: 'booted' as const, diagnostics: [], result: r }, summary: compareBoots(l, r) }
        },
      }),
    }
  }

  it('knows when both sides boot the same text on the same machine (nothing can differ), and when a side changes', async () => {
    workbenchOnPatchedV1()
    const compare = useCompareStore()
    compare.connect(fakeComparer([]))
    compare.open()
    expect(compare.sameInputs).toBe(false)
    compare.left = { policy: 'patched-v1.c', scenario: 'realm.yaml' }
    expect(compare.sameInputs).toBe(true)
    useWorkbenchStore().policyText += '\n/* edited */\n'
    expect(compare.sameInputs).toBe(false)
  })

  it('outside a lab defaults to the base kernel against the merged series, and swaps in one call', async () => {
    workbenchOnPatchedV1()
    useKernelResourcesStore().$patch({ policies: [policy('unpatched'), policy('patched-v1'), policy('series')] })
    const asked: CompareInput[] = []
    const compare = useCompareStore()
    compare.connect(fakeComparer(asked))
    compare.open()
    await vi.waitFor(() => expect(asked).toHaveLength(1))
    expect([asked[0].left.policy.path, asked[0].right.policy.path]).toEqual(['unpatched.c', 'series.c'])
    compare.swap()
    await vi.waitFor(() => expect(asked).toHaveLength(2))
    expect([asked[1].left.policy.path, asked[1].right.policy.path]).toEqual(['series.c', 'unpatched.c'])
  })

  it("in a lab: its start.c against the learner's text, or the lab's compareWith state when it names one", async () => {
    const workbench = workbenchOnPatchedV1()
    const lab = { id: '09-v1-vs-merged', start: { path: 'start.c', text: policy('patched-v1').text }, kernelStates: [policy('unpatched'), policy('series')], scenarios: [scenario('realm')], machineLocked: true }
    workbench.lab = lab
    const asked: CompareInput[] = []
    const compare = useCompareStore()
    compare.connect(fakeComparer(asked))
    compare.open()
    expect([compare.left.policy, compare.right.policy]).toEqual(['start.c', EDITOR_POLICY])
    compare.shown = false
    workbench.lab = { ...lab, compareWith: 'series.c' }
    compare.open()
    expect([compare.left.policy, compare.right.policy]).toEqual(['series.c', EDITOR_POLICY])
  })

  it('puts both boots on one axis: the divergence is one column for both timelines, and the ptdumps are diffed at the scrubbed step', async () => {
    workbenchOnPatchedV1()
    const compare = useCompareStore()
    compare.connect(fakeComparer([]))
    compare.open()
    await vi.waitFor(() => expect(compare.summary).not.toBeNull())
    expect(compare.leftColumns.count).toBe(compare.rightColumns.count)
    const d = compare.summary!.divergence!
    const row = compare.divergenceRow!
    expect(row).toBe(Math.min(compare.leftColumns.column[d.left!.step], compare.rightColumns.column[d.right!.step]))
    expect(compare.summary!.steps[row].fn).toBe(d.left!.step <= d.right!.step ? unpatched.steps[d.left!.step].fn : patchedV1.steps[d.right!.step].fn)
    // At the end of boot the two maps differ (patched-v1 shares the swiotlb pool early), so the dumps do too.
    expect(compare.ptdumpDiff.some((r) => r.side !== 'both')).toBe(true)
    expect(compare.ptdumpDiff[0]).toMatchObject({ side: 'both', text: '---[ Linear Mapping start ]---' })
  })

  it('"compare with previous boot": my last boot of this file with other text (a failing one too) against the editor', async () => {
    const workbench = workbenchOnPatchedV1()
    const compare = useCompareStore()
    const asked: CompareInput[] = []
    compare.connect(fakeComparer(asked))
    // A boot of the base kernel's text (it fails on realm), then the learner edits and boots again.
    expect(unpatched.verdict.status).toBe('failed')
    workbench.$patch({ policyText: policy('unpatched').text, bootedText: policy('unpatched').text })
    workbench.outcome = { kind: 'booted', diagnostics: [], result: unpatched }
    await vi.waitFor(() => expect(compare.previousBoot).toBeNull())
    workbench.$patch({ policyText: policy('patched-v1').text, bootedText: policy('patched-v1').text })
    workbench.outcome = { kind: 'booted', diagnostics: [], result: patchedV1 }
    await vi.waitFor(() => expect(compare.previousBoot?.text).toBe(policy('unpatched').text))
    compare.compareWithPrevious()
    await vi.waitFor(() => expect(asked).toHaveLength(1))
    expect(asked[0].left.policy.text).toBe(policy('unpatched').text)
    expect(asked[0].right.policy.text).toBe(policy('patched-v1').text)
  })

  it('a side whose policy could not run is said to be one, with its error: there is no boot there to diverge from', async () => {
    workbenchOnPatchedV1()
    const compare = useCompareStore()
    const broken: BootResult = { ...patchedV1, verdict: { status: 'policy-error', headline: "The policy could not run: unknown type 'junk'", causes: [] } }
    compare.connect({
      comparer: () => ({
        run: async () => ({ kind: 'compared' as const, left: { kind: 'booted' as const, diagnostics: [], result: unpatched }, right: { kind: 'booted' as const, diagnostics: [], result: broken }, summary: compareBoots(unpatched, broken) }),
      }),
    })
    compare.open()
    await vi.waitFor(() => expect(compare.summary).not.toBeNull())
    expect(compare.unrun).toEqual([{ side: 'right', why: "unknown type 'junk'" }])
    // Both sides booting: nothing unrun.
    compare.connect(fakeComparer([]))
    compare.swap()
    await vi.waitFor(() => expect(compare.unrun).toEqual([]))
  })

  it('"compare with previous boot" never offers another lab\'s file, nor a policy that could not run', async () => {
    const workbench = workbenchOnPatchedV1()
    const compare = useCompareStore()
    const lab = (id: string) => ({ id, start: policy('unpatched'), kernelStates: [], scenarios: [scenario('realm')], machineLocked: false })
    // Lab 1's start.c boots…
    workbench.lab = lab('01-linear-map-tour')
    workbench.$patch({ policyPath: 'start.c', policyText: 'lab 1 text', bootedText: 'lab 1 text' })
    workbench.outcome = { kind: 'booted', diagnostics: [], result: unpatched }
    await nextTick()
    // …then Lab 5's start.c, a different text under the same file name.
    workbench.lab = lab('05-move-swiotlb')
    workbench.$patch({ policyText: 'lab 5 text', bootedText: 'lab 5 text' })
    workbench.outcome = { kind: 'booted', diagnostics: [], result: patchedV1 }
    await nextTick()
    await vi.waitFor(() => expect(compare.previousBoot).toBeNull())
    // An edit of Lab 5 that cannot run is no boot to compare with either.
    workbench.$patch({ policyText: 'lab 5, broken', bootedText: 'lab 5, broken' })
    workbench.outcome = { kind: 'booted', diagnostics: [], result: { ...patchedV1, verdict: { status: 'policy-error', headline: 'x', causes: [] } } }
    await nextTick()
    workbench.$patch({ policyText: 'lab 5, edited again' })
    await vi.waitFor(() => expect(compare.previousBoot).toEqual({ path: 'start.c', text: 'lab 5 text' }))
    // Back in Lab 1, its own boot is the previous one.
    workbench.lab = lab('01-linear-map-tour')
    workbench.$patch({ policyText: 'lab 1, edited' })
    await vi.waitFor(() => expect(compare.previousBoot).toEqual({ path: 'start.c', text: 'lab 1 text' }))
  })
})

describe('report store', () => {
  function connected(api: Partial<BootlabApi>, stored: Record<string, string> = {}) {
    const storage = { getItem: (k: string) => stored[k] ?? null, setItem: (k: string, v: string) => void (stored[k] = v) }
    const report = useReportStore()
    report.connect({ api: { host: 'web', ...api } as BootlabApi, storage, now: () => new Date('2026-03-01T10:00:00Z') })
    return { report, stored }
  }

  it('exports the Markdown report, the HTML report and the patch of what the workbench shows', async () => {
    workbenchOnPatchedV1(`${policy('patched-v1').text}/* mine */\n`)
    const exported: ExportRequest[] = []
    const { report } = connected({ exportFile: async (r: ExportRequest) => (exported.push(r), { saved: true as const, location: `Downloads/${r.suggestedName}` }) })
    report.setLearner('  Ada  ')
    await report.exportAs('markdown')
    await report.exportAs('html')
    await report.exportAs('patch')
    expect(exported.map((e) => [e.suggestedName, e.mimeType])).toEqual([
      ['bootlab-patched-v1-report.zip', 'application/zip'],
      ['bootlab-patched-v1-report.html', 'text/html'],
      ['bootlab-patched-v1.patch', 'text/x-diff'],
    ])
    const [zip, html, patch] = exported as [ZipExport, TextExport, TextExport]
    // The Markdown report is a folder (report.md beside its pictures), one .zip to save.
    const folder = Object.fromEntries(Object.entries(unzipSync(zip.bytes)).map(([name, bytes]) => [name, strFromU8(bytes)]))
    expect(Object.keys(folder)).toEqual(expect.arrayContaining(['bootlab-patched-v1-report/report.md', 'bootlab-patched-v1-report/timeline.svg', 'bootlab-patched-v1-report/policy.patch']))
    const md = folder['bootlab-patched-v1-report/report.md']
    expect(md).toContain(SECTIONS.patch)
    expect(md).toContain('Ada')
    expect(md).toContain('2026-03-01')
    expect(md).toContain('](timeline.svg)')
    expect(html.text).toMatch(/^<!doctype html>/i)
    expect(patch.text).toMatch(/^diff --git a\/patched-v1.c b\/patched-v1.c/)
    expect(patch.text).toContain('+/* mine */')
    expect(folder['bootlab-patched-v1-report/policy.patch']).toBe(patch.text)
    expect(report.message).toBe('Saved Downloads/bootlab-patched-v1.patch')
  })

  it('shows a failed export as an error', async () => {
    workbenchOnPatchedV1()
    const { report } = connected({ exportFile: async () => Promise.reject(new Error('disk full')) })
    await report.exportAs('markdown')
    expect(report.error).toBe('The report was not saved: disk full')
    expect(report.message).toBeNull()
  })

  it('remembers the learner and the answers per lab', () => {
    const { stored } = connected({})
    const report = useReportStore()
    report.setLearner('Ada')
    report.setAnswer('03-realm-bug', 1, 'in W0')
    setActivePinia(createPinia())
    const again = connected({}, stored).report
    expect(again.learner).toBe('Ada')
    expect(again.answersOf('03-realm-bug')).toEqual(['', 'in W0'])
  })
})
