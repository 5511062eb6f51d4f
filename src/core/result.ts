/*
 * BootResult: the one value every view, lab check, report and benchmark reads.
 * `boot(scenario, policy)` returns it; it is plain data (JSON-serialisable, no
 * bigint, no class instances), deterministic, and stamped with MODEL_VERSION so a
 * saved result can be told apart from one made by a later model.
 */
import type { PhysAddr, VirtAddr } from './memory/addr'
import type { Diagnostic, Frame } from './policy/value'

export const MODEL_VERSION = 'bootlab-model/1'

/** The four boot windows of the kernel reference (§1, "Key windows"). */
export type WindowId = 'W0' | 'W1' | 'W2' | 'W3'

export type Verdict =
  | { status: 'booted'; headline: string; causes: string[] }
  | { status: 'booted-with-warnings'; headline: string; causes: string[] }
  | { status: 'failed'; headline: string; causes: string[] }
  /** The policy itself could not run (syntax error, step budget, unknown function). */
  | { status: 'policy-error'; headline: string; causes: string[] }

export type ConsoleLevel = 'emerg' | 'alert' | 'crit' | 'err' | 'warn' | 'notice' | 'info' | 'debug'

export interface ConsoleLine {
  /** Seconds since boot as dmesg shows it (0 until time_init). */
  time: number
  level: ConsoleLevel
  text: string
  /** The full dmesg line, `[    0.000000] text`. */
  line: string
  /** Index of the splat (WARN or Oops) this line belongs to, if any. */
  splat?: number
  /** Boot step index this line was printed in. */
  step: number
  /** The policy place this line names (a WARN header or a frame in the learner's code): for jump-to-line, never printed. */
  source?: { file: string; line: number }
}

/** A frame of a printed call trace, innermost first: `line` is set for policy frames (the call's line in the policy file). */
export interface SplatFrame extends Frame {
  /** As printed: `fn+0x7c/0x88`, with the compiler's suffix (`.part.0`) where the kernel has one. */
  symbol: string
}

export interface Splat {
  index: number
  kind: 'warn' | 'oops' | 'panic' | 'bug'
  /** The WARN site: file:line in kernel source or in the policy (the policy's place, for jump-to-line and located messages). */
  site: { fn: string; file: string; line: number; origin: 'policy' | 'kernel' }
  /** What a WARN header prints: the kernel file and line (approximate for a policy function, docs/model.md). */
  printed?: { file: string; line: number }
  message?: string
  /** The simulated call chain, innermost first, policy frames with their file:line (inlined helpers included). */
  frames: Frame[]
  /** The call trace as printed, innermost first: inlined helpers absent, compiler suffixes; a panic after an Oops prints none. */
  trace: SplatFrame[]
  step: number
  cpu: number
  /** [first, last] console line indices of the splat. */
  lines: [number, number]
}

export interface BootStep {
  index: number
  /** Kernel function, e.g. `mem_init`. */
  fn: string
  /** Kernel file it lives in. */
  file: string
  /** Parent step function (start_kernel, mm_core_init, kernel_init_freeable...). */
  parent?: string
  window: WindowId
  /** Simulated time (seconds) at start and end. */
  t0: number
  t1: number
  onlineCpus: number
  allocator: 'memblock' | 'buddy'
  capsFinalized: boolean
  /** Ran a policy function (so the learner's code is involved). */
  policy: boolean
}

/** A period during which the patched kernel refuses to split; recorded for every boot. */
export interface WindowInterval {
  id: 'blackout-1' | 'blackout-2'
  title: string
  why: string
  fromStep: number
  toStep: number
  t0: number
  t1: number
}

export type LeafKind = 'PUD' | 'CONT_PMD' | 'PMD' | 'CONT_PTE' | 'PTE'

/** A run of linear-map leaves with the same size, attributes and contiguous output. */
export interface MapExtent {
  /** Linear-map VA offset (see memory/addr.ts) and PA of the first byte. */
  va: VirtAddr
  pa: PhysAddr
  size: number
  leaf: LeafKind
  valid: boolean
  /** Realm PROT_NS_SHARED bit set: shared with the host. */
  shared: boolean
  readOnly: boolean
  noExec: boolean
  /** The kernel-image alias region (never split, never repainted). */
  kernelImage?: boolean
}

export interface MapSnapshot {
  /** The boot step after which this picture holds. */
  step: number
  label: string
  extents: MapExtent[]
  /** The same map as the kernel's ptdump walks it (holes included): pgtable/ptdump.ts. */
  ptdump: PtdumpRun[]
}

export interface PgtableCounters {
  /** Leaf entries by kind (a CONT_PTE run of 16 PTEs counts as 16 PTEs in `ptes` and 1 in `contPteRuns`). */
  pudBlocks: number
  pmdBlocks: number
  contPmdRuns: number
  ptes: number
  contPteRuns: number
  /** Table pages by level (PGD is the static swapper_pg_dir). */
  pudTables: number
  pmdTables: number
  pteTables: number
  /** Table pages by the allocator that gave them. */
  tablePagesByAllocator: { memblock: number; buddy: number }
  splits: { pud: number; contPmd: number; pmd: number; contPte: number }
  repaint: { happened: boolean; tablesAllocated: number; ptesWritten: number }
}

export interface Counters extends PgtableCounters {
  warns: number
  decryptCalls: number
  decryptFailures: number
  policySteps: number
}

export type CallOutcome = 'ok' | 'warn' | 'error' | 'skipped'

/** One use of set_memory_decrypted() (or another caller the reference lists). */
export interface CallerRecord {
  caller: string
  /** Kernel function that made the call, e.g. swiotlb_update_mem_attributes. */
  fn: string
  step: number
  window: WindowId
  cpu: number
  va: VirtAddr
  pa: PhysAddr
  size: number
  outcome: CallOutcome
  /** Return value (0 or -errno) and its name. */
  ret: number
  errno?: string
  /** True when the reference marks this caller or its timing unverified. */
  assumption?: boolean
  note?: string
}

/** An invariant of the model that broke; the source of every failure. */
export interface Fault {
  kind:
    | 'tlb-conflict'
    | 'pgtable-alloc-before-buddy'
    | 'memblock-after-handover'
    | 'translation-fault'
    | 'external-abort'
    | 'realm-memory-exposed'
    | 'broken-contiguous-hint'
    | 'dma-not-shared'
    | 'init-memory-used'
    | 'panic'
  step: number
  message: string
  va?: VirtAddr
  /** The model had to guess how the real kernel behaves here. */
  assumption?: string
}

export type TraceEvent =
  | { kind: 'step'; step: number; fn: string; phase: 'enter' | 'exit' }
  | { kind: 'console'; line: number }
  | { kind: 'window'; id: WindowInterval['id']; phase: 'open' | 'close'; step: number }
  | { kind: 'allocator'; stage: 'memblock' | 'buddy'; step: number }
  | { kind: 'cpu-online'; cpu: number; bbml2: boolean; step: number; online: number }
  | { kind: 'caps-finalized'; step: number; bbml2System: boolean }
  | { kind: 'pgtable'; op: 'map' | 'split' | 'repaint' | 'attr'; step: number; va: VirtAddr; size: number; detail: string }
  | { kind: 'call'; record: number }
  | { kind: 'fault'; fault: number }
  | { kind: 'assumption'; step: number; text: string }
  /** A memory-map picture was taken here: its place among the step's events. */
  | { kind: 'snapshot'; snapshot: number; step: number }

export interface BootResult {
  version: typeof MODEL_VERSION
  scenarioName: string
  policyName: string
  kernelVersion: string
  events: TraceEvent[]
  console: ConsoleLine[]
  splats: Splat[]
  steps: BootStep[]
  windows: WindowInterval[]
  calls: CallerRecord[]
  faults: Fault[]
  snapshots: MapSnapshot[]
  counters: Counters
  /** Everything the model had to guess, in the order it was used. */
  assumptions: string[]
  diagnostics: Diagnostic[]
  verdict: Verdict
  /** How far the boot got: the last step entered. */
  reached: string
  /** The kernel image alias [_text, __init_begin) in the linear map: mapped apart, never split or repainted. */
  kernelImage: { va: VirtAddr; pa: PhysAddr; size: number }
}

/**
 * One line of the kernel's ptdump (arch/arm64/mm/ptdump.c note_page()): a run of entries of one
 * level whose protection bits are equal; `attrs` null for a hole (no entry). Levels and attribute
 * bits as src/core/pgtable/prot.ts defines them (0 = PGD ... 3 = PTE).
 */
export interface PtdumpRun {
  va: VirtAddr
  size: number
  level: 0 | 1 | 2 | 3
  attrs: number | null
}
