import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { BootClient } from './boot-client'
import { connectBootlab } from './bootlab'
import { installRouteSync } from './route-sync'
import { useBootInspectorStore } from './stores/boot-inspector'
import { useCompareStore } from './stores/compare'
import { useDebugStore } from './stores/debug'
import { useViewStore } from './stores/view'
import { useKernelResourcesStore } from './stores/kernel-resources'
import { useLabsStore } from './stores/labs'
import { useLayoutStore } from './stores/layout'
import { useThemeStore } from './stores/theme'
import { markShellPaintedNextFrame } from './perf-marks'
import { useReportStore } from './stores/report'
import { useWorkbenchStore } from './stores/workbench'
import './style.css'
import type { CompareInput, CompareOutcome, GradeInput, GradeOutcome } from './workers/boot-protocol'
import BootWorker from './workers/boot.worker?worker'
import DebugWorker from './workers/debug.worker?worker'

async function startApp(): Promise<void> {
  const pinia = createPinia()
  useLayoutStore(pinia).connect(localStorage)
  useThemeStore(pinia).connect({ storage: localStorage, systemDark: matchMedia('(prefers-color-scheme: dark)'), root: document.documentElement })
  // The shell paints before anything loads: the stores fill in as the host answers, Monaco arrives in its own chunk.
  createApp(App).use(pinia).mount('#app')
  markShellPaintedNextFrame()
  const api = await connectBootlab()
  const resources = useKernelResourcesStore(pinia)
  const workbench = useWorkbenchStore(pinia)
  const labs = useLabsStore(pinia)
  // Each worker stuck past its time limit (or failed) is terminated and replaced (BootClient).
  const worker = (name: string) => () => new BootWorker({ name })
  const bootWorker = worker('boot')
  workbench.connect({ api, boots: new BootClient(bootWorker(), { restart: bootWorker }), sentinel: localStorage })
  // A second instance of the same worker grades labs, so a grade never holds up the next boot.
  // An explore lab is done once its questions are answered too: the report store keeps the answers.
  const gradeWorker = worker('grade')
  labs.connect({
    api,
    grader: new BootClient<GradeInput, GradeOutcome>(gradeWorker(), { restart: gradeWorker }),
    answers: (labId) => useReportStore(pinia).answersOf(labId),
    storage: localStorage,
  })
  // A third instance compares two boots, started only when the learner first opens the compare view.
  const compareWorker = worker('compare')
  let comparer: BootClient<CompareInput, CompareOutcome> | null = null
  useCompareStore(pinia).connect({ comparer: () => (comparer ??= new BootClient<CompareInput, CompareOutcome>(compareWorker(), { restart: compareWorker })) })
  // The debugger's worker, started at the first debug boot.
  useDebugStore(pinia).connect({ worker: () => new DebugWorker({ name: 'debug' }), storage: localStorage })
  const report = useReportStore(pinia)
  report.connect({ api, storage: localStorage, now: () => new Date() })
  // The desktop app's menu: Export Report opens the export panel; Reload Labs (and a newly opened lab folder) re-reads the course.
  api.onMenuCommand((command) => {
    if (command === 'export-report') report.panelShown = true
    else void labs.load()
  })
  // Two tabs on the same policy (web mode): the other's saves are offered here, never lost unseen.
  if (api.host === 'web') (await import('./web-api')).onPolicySavedElsewhere((key, text) => workbench.otherSaved(key, text))
  await resources.load(api)
  if (resources.status !== 'ready') return
  // The hash names what to open (a lab, a kernel state, a view, a share link); an empty one opens the base kernel.
  await labs.load()
  const routes = installRouteSync(
    { workbench, labs, compare: useCompareStore(pinia), inspector: useBootInspectorStore(pinia), view: useViewStore(pinia) },
    window,
  )
  await routes.start()
}

void startApp()
