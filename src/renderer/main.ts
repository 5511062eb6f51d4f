import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { BootClient } from './boot-client'
import { connectBootlab } from './bootlab'
import { useKernelResourcesStore } from './stores/kernel-resources'
import { useWorkbenchStore } from './stores/workbench'
import './style.css'
import BootWorker from './workers/boot.worker?worker'

async function startApp(): Promise<void> {
  const pinia = createPinia()
  const app = createApp(App).use(pinia)
  const api = await connectBootlab()
  const resources = useKernelResourcesStore(pinia)
  const workbench = useWorkbenchStore(pinia)
  workbench.connect({ api, boots: new BootClient(new BootWorker({ name: 'boot' })) })
  app.mount('#app')
  await resources.load(api)
  if (resources.status === 'ready') await workbench.start()
}

void startApp()
