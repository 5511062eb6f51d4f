/*
 * The lab report: the learner's name (asked once, then remembered), their
 * answers to each lab's questions, and exporting what the workbench shows as
 * the report module renders it (HTML, the Markdown folder as a .zip, the .patch)
 * through window.bootlab, and the PDF (printToPDF in the desktop app, the browser's
 * print dialog in web mode). The compare
 * summary goes in when the compare view was used for this policy.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { policyPatch, renderHtml, renderMarkdownZip, type ReportInput } from '../../report/report'
import type { BootlabApi, ExportRequest } from '../../shared/bootlab-api'
import { useCompareStore } from './compare'
import { evidenceLines, reportedExpectation } from '../../labs'
import { useLabsStore } from './labs'
import { useWorkbenchStore } from './workbench'

export type ReportFormat = 'html' | 'markdown' | 'patch'

export interface ReportDeps {
  api: BootlabApi
  /** Where the name and answers are remembered: the page's localStorage, in either host. */
  storage: Pick<Storage, 'getItem' | 'setItem'>
  now: () => Date
}

const LEARNER_KEY = 'bootlab:learner'
const answersKey = (labId: string) => `bootlab:answers:${labId}`

export const useReportStore = defineStore('report', () => {
  const workbench = useWorkbenchStore()
  const labs = useLabsStore()
  const compare = useCompareStore()
  let deps: ReportDeps | null = null

  const learner = ref('')
  /** The learner's answers by lab id, one per question. */
  const answers = ref<Record<string, string[]>>({})
  /** The export panel is open (the toolbar's Export button, or the app menu's Export Report…). */
  const panelShown = ref(false)
  const message = ref<string | null>(null)
  const error = ref<string | null>(null)

  function needDeps(): ReportDeps {
    if (!deps) throw new Error('report used before connect()')
    return deps
  }

  function connect(given: ReportDeps): void {
    deps = given
    learner.value = given.storage.getItem(LEARNER_KEY) ?? ''
  }

  function setLearner(name: string): void {
    learner.value = name.trim()
    needDeps().storage.setItem(LEARNER_KEY, learner.value)
  }

  /** The learner's answers to a lab's questions: typed in this session, else as remembered. */
  function answersOf(labId: string): string[] {
    const typed = answers.value[labId]
    if (typed) return typed
    try {
      const stored: unknown = JSON.parse(needDeps().storage.getItem(answersKey(labId)) ?? 'null')
      return Array.isArray(stored) ? stored.map((a) => (typeof a === 'string' ? a : '')) : []
    } catch {
      // An unreadable entry reads as no answers yet.
      return []
    }
  }

  function setAnswer(labId: string, question: number, text: string): void {
    const next = [...answersOf(labId)]
    next[question] = text
    answers.value = { ...answers.value, [labId]: next }
    needDeps().storage.setItem(answersKey(labId), JSON.stringify(next))
  }

  /** What the report says, from the latest boot; null before a boot of the editor's text. */
  const input = computed<ReportInput | null>(() => {
    // The boot of the text as booted (a policy error included), not the older good boot the views keep.
    const outcome = workbench.outcome
    const result = outcome?.kind === 'booted' ? outcome.result : null
    const policyFile = workbench.policyPath
    if (!result || !policyFile || workbench.bootedText === null) return null
    const lab = labs.current
    const start = lab ? { name: lab.start.file, text: lab.start.text } : { name: policyFile, text: workbench.bundledText ?? workbench.bootedText }
    // The compare summary belongs in the report only when one side was this policy as booted.
    const compared = compare.summary && [compare.left, compare.right].some((s) => s.policy === 'editor') ? compare.summary : undefined
    return {
      learner: learner.value,
      date: needDeps().now().toISOString().slice(0, 10),
      lab: lab
        ? {
            id: lab.id,
            title: lab.title,
            goals: (labs.grade?.goals ?? []).map((g) => ({ ...g, evidence: evidenceLines(g.evidence) })),
            hintsUsed: labs.hintsShown[lab.id] ?? 0,
            questions: lab.questions.map((q, i) => ({ question: q.prompt, answer: answersOf(lab.id)[i] ?? '' })),
            // Only from the grade of the text the report shows.
            expectation: labs.gradedText === workbench.bootedText ? reportedExpectation(lab, result.verdict.status, labs.grade) : undefined,
          }
        : undefined,
      scenarioName: result.scenarioName,
      policyFile,
      startPolicyName: start.name,
      startPolicy: start.text,
      policy: workbench.bootedText,
      result,
      compare: compared,
    }
  })

  /** `bootlab-06-repaint-report`: the lab (or the policy) the report is about. */
  const baseName = () => `bootlab-${(labs.current?.id ?? workbench.policyPath ?? 'boot').replace(/\.c$/, '').replace(/[^A-Za-z0-9._-]/g, '-')}`

  /**
   * The file to save. Markdown is a folder (report.md beside its pictures: viewers refuse SVG
   * data URIs), saved as one .zip that unpacks to `<name>-report/`.
   */
  function exportRequest(format: ReportFormat, report: ReportInput): ExportRequest {
    if (format === 'html') return { suggestedName: `${baseName()}-report.html`, mimeType: 'text/html', text: renderHtml(report) }
    if (format === 'patch') return { suggestedName: `${baseName()}.patch`, mimeType: 'text/x-diff', text: policyPatch(report) }
    const folder = `${baseName()}-report`
    return { suggestedName: `${folder}.zip`, mimeType: 'application/zip', bytes: renderMarkdownZip(report, folder) }
  }

  async function exportAs(format: ReportFormat): Promise<void> {
    const report = input.value
    message.value = null
    error.value = null
    if (!report) {
      error.value = 'Nothing to export yet: wait for the boot to finish.'
      return
    }
    try {
      const outcome = await needDeps().api.exportFile(exportRequest(format, report))
      if (outcome.saved) message.value = `Saved ${outcome.location}`
    } catch (e) {
      error.value = `The report was not saved: ${e instanceof Error ? e.message : String(e)}`
    }
  }

  /** The PDF: saved by the desktop app, or the browser's print dialog (its "Save as PDF") in web mode. */
  async function exportPdf(): Promise<void> {
    const report = input.value
    message.value = null
    error.value = null
    if (!report) {
      error.value = 'Nothing to export yet: wait for the boot to finish.'
      return
    }
    const { api } = needDeps()
    try {
      const outcome = await api.exportPdf({ suggestedName: `${baseName()}-report.pdf`, html: renderHtml(report) })
      if (outcome.saved) message.value = `Saved ${outcome.location}`
      else if (api.host === 'web') message.value = "Opened the print dialog: choose 'Save as PDF'."
    } catch (e) {
      error.value = `The PDF was not saved: ${e instanceof Error ? e.message : String(e)}`
    }
  }

  return { learner, answers, panelShown, message, error, input, connect, setLearner, answersOf, setAnswer, exportAs, exportPdf }
})
