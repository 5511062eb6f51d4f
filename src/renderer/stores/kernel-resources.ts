/*
 * The kernel states (resources/policies/*.c) and machines
 * (resources/scenarios/*.yaml) the app ships, loaded once through window.bootlab.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { BootlabApi, TextFile } from '../../shared/bootlab-api'

/** The base kernel every other policy overrides (docs/architecture.md). */
export const BASE_POLICY_PATH = 'unpatched.c'
/** The machine the workbench opens on: a realm guest, the subject of the lessons. */
export const DEFAULT_SCENARIO_PATH = 'realm.yaml'

export const useKernelResourcesStore = defineStore('kernel-resources', () => {
  const policies = ref<TextFile[]>([])
  const scenarios = ref<TextFile[]>([])
  const status = ref<'idle' | 'loading' | 'ready' | 'failed'>('idle')
  const error = ref<string | null>(null)

  const basePolicy = computed(() => policies.value.find((p) => p.path === BASE_POLICY_PATH) ?? null)

  async function load(api: BootlabApi): Promise<void> {
    status.value = 'loading'
    try {
      const loaded = await api.loadKernelResources()
      policies.value = loaded.policies
      scenarios.value = loaded.scenarios
      error.value = basePolicy.value ? null : `the base kernel ${BASE_POLICY_PATH} is missing from resources/policies`
      status.value = error.value ? 'failed' : 'ready'
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
      status.value = 'failed'
    }
  }

  const policy = (path: string | null) => policies.value.find((p) => p.path === path) ?? null
  const scenario = (path: string | null) => scenarios.value.find((s) => s.path === path) ?? null

  return { policies, scenarios, status, error, basePolicy, load, policy, scenario }
})
