import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { BootClient } from './boot-client'
import { connectBootlab } from './bootlab'
import { useCompareStore } from './stores/compare'
import { useKernelResourcesStore } from './stores/kernel-resources'
import { useLabsStore } from './stores/labs'
import { useReportStore } from './stores/report'
import { useWorkbenchStore } from './stores/workbench'
import './style.css'
import type { CompareInput, CompareOutcome, GradeInput, GradeOutcome } from './workers/boot-protocol'
import BootWorker from './workers/boot.worker?worker'

async function startApp(): Promise<void> {
  const pinia = createPinia()
  const app = createApp(App).use(pinia)
  const api = await connectBootlab()
  const resources = useKernelResourcesStore(pinia)
  const workbench = useWorkbenchStore(pinia)
  const labs = useLabsStore(pinia)
  // Each worker stuck past its time limit (or failed) is terminated and replaced (BootClient).
  const worker = (name: string) => () => new BootWorker({ name })
  const bootWorker = worker('boot')
  workbench.connect({ api, boots: new BootClient(bootWorker(), { restart: bootWorker }) })
  // A second instance of the same worker grades labs, so a grade never holds up the next boot.
  const gradeWorker = worker('grade')
  labs.connect({ api, grader: new BootClient<GradeInput, GradeOutcome>(gradeWorker(), { restart: gradeWorker }) })
  // A third instance compares two boots, started only when the learner first opens the compare view.
  const compareWorker = worker('compare')
  let comparer: BootClient<CompareInput, CompareOutcome> | null = null
  useCompareStore(pinia).connect({ comparer: () => (comparer ??= new BootClient<CompareInput, CompareOutcome>(compareWorker(), { restart: compareWorker })) })
  const report = useReportStore(pinia)
  report.connect({ api, storage: localStorage, now: () => new Date() })
  // The desktop app's menu: Export Report opens the export panel; Reload Labs (and a newly opened lab folder) re-reads the course.
  api.onMenuCommand((command) => {
    if (command === 'export-report') report.panelShown = true
    else void labs.load()
  })
  app.mount('#app')
  await resources.load(api)
  if (resources.status !== 'ready') return
  await Promise.all([workbench.start(), labs.load()])
}

void startApp()
