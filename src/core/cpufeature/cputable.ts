/*
 * CPU models and the BBML2_NOABORT allow-list (arch/arm64/kernel/cpufeature.c,
 * has_bbml2_noabort() → cpu_supports_bbml2_noabort()).
 *
 * The kernel decides BBML2_NOABORT by MIDR only: ID_AA64MMFR2_EL1.BBM is ignored,
 * because BBML2 alone still allows TLB-conflict aborts (kernel reference §3).
 * Adding a model adds a row, as in the kernel's own tables. The list's entries
 * are MIDR_REV_RANGE(model, variant, rev_min, rev_max) (arch/arm64/include/asm/cputype.h:
 * MIDR_RANGE(m, v, r_min, v, r_max)): the variant is fixed and only the revision
 * ranges, so Neoverse-V3 r1p0 does not match the r0p2..r0p15 entry; or
 * MIDR_ALL_VERSIONS(model).
 */

export interface CpuModel {
  id: string
  name: string
  /** MIDR implementer and part number, as printed in boot logs. */
  implementer: number
  partnum: number
  /** The allow-list entry: MIDR_REV_RANGE(variant, revMin, revMax), MIDR_ALL_VERSIONS ('all'), or null when not listed. */
  bbml2: { variant: number; revMin: number; revMax: number } | 'all' | null
  /** Allow-list entry only seen in a third-party note. */
  unverified?: boolean
  source: string
}

export const CPU_MODELS: readonly CpuModel[] = [
  { id: 'cortex-x4', name: 'Cortex-X4', implementer: 0x41, partnum: 0xd82, bbml2: { variant: 0, revMin: 3, revMax: 0xf }, source: 'patch text (cpufeature allow-list)' },
  { id: 'neoverse-v3', name: 'Neoverse-V3', implementer: 0x41, partnum: 0xd84, bbml2: { variant: 0, revMin: 2, revMax: 0xf }, source: 'patch text (cpufeature allow-list)' },
  { id: 'neoverse-v3ae', name: 'Neoverse-V3AE', implementer: 0x41, partnum: 0xd83, bbml2: { variant: 0, revMin: 2, revMax: 0xf }, source: 'patch text (cpufeature allow-list)' },
  { id: 'ampereone', name: 'AmpereOne', implementer: 0xc0, partnum: 0xac3, bbml2: 'all', source: 'patch text (all revisions)' },
  { id: 'ampereone-a', name: 'AmpereOne-A', implementer: 0xc0, partnum: 0xac4, bbml2: 'all', source: 'patch text (all revisions)' },
  { id: 'olympus', name: 'NVIDIA Olympus', implementer: 0x4e, partnum: 0x010, bbml2: 'all', unverified: true, source: 'third-party note only (unverified)' },
  { id: 'neoverse-n1', name: 'Neoverse-N1', implementer: 0x41, partnum: 0xd0c, bbml2: null, source: 'not on the allow-list' },
  { id: 'neoverse-n2', name: 'Neoverse-N2', implementer: 0x41, partnum: 0xd49, bbml2: null, source: 'not on the allow-list' },
  { id: 'neoverse-v1', name: 'Neoverse-V1', implementer: 0x41, partnum: 0xd40, bbml2: null, source: 'not on the allow-list' },
  { id: 'neoverse-v2', name: 'Neoverse-V2', implementer: 0x41, partnum: 0xd4f, bbml2: null, source: 'not on the allow-list' },
  { id: 'cortex-a72', name: 'Cortex-A72', implementer: 0x41, partnum: 0xd08, bbml2: null, source: 'not on the allow-list' },
  { id: 'cortex-a78', name: 'Cortex-A78', implementer: 0x41, partnum: 0xd41, bbml2: null, source: 'not on the allow-list' },
]

export const CPU_MODEL_IDS = CPU_MODELS.map((m) => m.id) as [string, ...string[]]

export function cpuModel(id: string): CpuModel {
  const m = CPU_MODELS.find((x) => x.id === id)
  if (!m) throw new Error(`unknown CPU model '${id}'`)
  return m
}

/** `r0p3` → {variant 0, revision 3}. */
export function parseRevision(rev: string): { variant: number; revision: number } {
  const m = /^r(\d+)p(\d+)$/.exec(rev)
  if (!m) throw new Error(`bad CPU revision '${rev}' (expected rNpM)`)
  return { variant: Number(m[1]), revision: Number(m[2]) }
}

/** The MIDR match of cpu_supports_bbml2_noabort() for one CPU. */
export function modelHasBbml2Noabort(model: CpuModel, rev: string): boolean {
  const entry = model.bbml2
  if (entry === null) return false
  if (entry === 'all') return true
  const r = parseRevision(rev)
  return r.variant === entry.variant && r.revision >= entry.revMin && r.revision <= entry.revMax
}

/** MIDR_EL1 value as the kernel prints it ("CPU1: Booted secondary processor 0x0000000001 [0x410fd840]"). */
export function midr(model: CpuModel, rev: string): number {
  const r = parseRevision(rev)
  return ((model.implementer << 24) | (r.variant << 20) | (0xf << 16) | (model.partnum << 4) | r.revision) >>> 0
}
