/*
 * The public surface of the simulation core: everything the command line, the
 * renderer's worker, the Electron main process, the labs and the benchmarks use.
 */
export { boot, type BootOptions, type KernelPolicy, stepBudget } from './boot/boot'
export { compileBase, policyParent, preparePolicy, type PolicyLookup, type PolicySource } from './boot/kernel-policy'
export { NATIVE_SIGNATURES } from './boot/natives'
export * from './result'
export { DebugSession, type Breakpoint, type DebugState, type DebugTarget, type SourceBreakpoint, type Stop, type Variable } from './debug'
export { firstDivergence, observations, type Divergence, type Observation } from './compare/divergence'
export { formatScenarioErrors, parseScenario, validateScenario, type ScenarioError, type ScenarioParse } from './scenario/parse'
export { scenarioSchema, type Scenario, type ScenarioInput } from './scenario/schema'
export { fieldPath, readYamlText, type TextPosition, type YamlText } from './scenario/yaml-text'
export { CPU_MODELS, modelHasBbml2Noabort, type CpuModel } from './cpufeature/cputable'
export { alignDown, alignUp, CONT_PMD_SIZE, CONT_PTE_SIZE, formatPhys, formatSize, formatVirt, PAGE_SIZE, phys, PMD_SIZE, PUD_SIZE, virt } from './memory/addr'
export { LEAF_KIND, LEAF_KINDS, leafKind, walkIndices, type LeafKindInfo, type WalkIndex } from './pgtable/leaf'
export { formatPtdump, formatPtdumpRun, LINEAR_MAP_END_MARKER, LINEAR_MAP_START_MARKER, PTDUMP_LEVEL_NAME, type PtdumpRun } from './pgtable/ptdump'
export { Attr } from './pgtable/prot'
export { closestName } from './policy/suggest'
export type { CompiledPolicy } from './policy'
export type { Diagnostic } from './policy/value'
