/*
 * The CPU table and the BBML2_NOABORT allow-list (src/core/cpufeature/cputable.ts), checked
 * against the kernel, not the model's output:
 * - arch/arm64/kernel/cpufeature.c cpu_supports_bbml2_noabort(): MIDR_REV_RANGE(MIDR_CORTEX_X4,
 *   0, 3, 0xf), MIDR_REV_RANGE(MIDR_NEOVERSE_V3, 0, 2, 0xf), MIDR_REV_RANGE(MIDR_NEOVERSE_V3AE,
 *   0, 2, 0xf), MIDR_ALL_VERSIONS(MIDR_AMPERE1 / MIDR_AMPERE1A) (kernel reference §3);
 * - arch/arm64/include/asm/cputype.h: MIDR_REV_RANGE(m, v, r_min, r_max) = MIDR_RANGE(m, v,
 *   r_min, v, r_max): the variant is fixed, only the revision ranges, both ends included;
 *   MIDR_EL1 = implementer[31:24] variant[23:20] architecture 0xf [19:16] partnum[15:4]
 *   revision[3:0]; ARM_CPU_PART_CORTEX_X4 0xD82, _NEOVERSE_V3 0xD84, _NEOVERSE_V3AE 0xD83,
 *   AMPERE_CPU_PART_AMPERE1 0xAC3, _AMPERE1A 0xAC4 (implementers ARM 0x41, Ampere 0xC0).
 */
import { describe, expect, it } from 'vitest'
import { cpuModel, midr, modelHasBbml2Noabort, parseRevision } from '../../../src/core/cpufeature/cputable'

const has = (model: string, rev: string) => modelHasBbml2Noabort(cpuModel(model), rev)

describe('the BBML2_NOABORT allow-list at each boundary', () => {
  it('Cortex-X4 MIDR_REV_RANGE(0, 3, 0xf): r0p2 no, r0p3 yes, r0p15 yes, r1p3 no (another variant)', () => {
    expect(['r0p2', 'r0p3', 'r0p15', 'r1p3'].map((r) => has('cortex-x4', r))).toEqual([false, true, true, false])
  })

  it('Neoverse-V3 MIDR_REV_RANGE(0, 2, 0xf): r0p1 no, r0p2 yes, r0p15 yes, r1p0 no', () => {
    expect(['r0p1', 'r0p2', 'r0p15', 'r1p0'].map((r) => has('neoverse-v3', r))).toEqual([false, true, true, false])
  })

  it('Neoverse-V3AE MIDR_REV_RANGE(0, 2, 0xf): r0p1 no, r0p2 yes, r1p0 no', () => {
    expect(['r0p1', 'r0p2', 'r1p0'].map((r) => has('neoverse-v3ae', r))).toEqual([false, true, false])
  })

  it('AmpereOne and AmpereOne-A on MIDR_ALL_VERSIONS: any variant and revision', () => {
    expect(['r0p0', 'r3p7', 'r15p15'].map((r) => has('ampereone', r))).toEqual([true, true, true])
    expect(['r0p0', 'r2p1'].map((r) => has('ampereone-a', r))).toEqual([true, true])
  })

  it('CPUs not on the list never have it, whatever ID_AA64MMFR2_EL1.BBM says (the list ignores it)', () => {
    for (const m of ['neoverse-n1', 'neoverse-n2', 'neoverse-v1', 'neoverse-v2', 'cortex-a72', 'cortex-a78']) {
      expect(has(m, 'r0p0'), m).toBe(false)
      expect(has(m, 'r0p3'), m).toBe(false)
    }
  })

  it('NVIDIA Olympus, seen only in a third-party note, is marked unverified', () => {
    expect(cpuModel('olympus').unverified).toBe(true)
    expect(cpuModel('neoverse-v3').unverified).toBeUndefined()
  })
})

describe('MIDR_EL1 as the kernel prints it', () => {
  it('packs implementer, variant, architecture 0xf, part number and revision', () => {
    expect(midr(cpuModel('neoverse-v3'), 'r0p0')).toBe(0x410fd840)
    expect(midr(cpuModel('neoverse-v3'), 'r1p0')).toBe(0x411fd840)
    expect(midr(cpuModel('cortex-x4'), 'r0p3')).toBe(0x410fd823)
    expect(midr(cpuModel('neoverse-v3ae'), 'r0p2')).toBe(0x410fd832)
    expect(midr(cpuModel('ampereone'), 'r0p0')).toBe(0xc00fac30)
    expect(midr(cpuModel('ampereone-a'), 'r1p2')).toBe(0xc01fac42)
  })
})

describe('bad input', () => {
  it('a revision that is not rNpM and an unknown model are errors that name them', () => {
    expect(parseRevision('r2p11')).toEqual({ variant: 2, revision: 11 })
    expect(() => parseRevision('p3')).toThrow("bad CPU revision 'p3' (expected rNpM)")
    expect(() => has('cortex-x4', 'r0')).toThrow("bad CPU revision 'r0'")
    expect(() => cpuModel('cortex-x9')).toThrow("unknown CPU model 'cortex-x9'")
  })
})
