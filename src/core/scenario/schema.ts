/*
 * The scenario: the machine a boot runs on and its kernel command line.
 * Plain data (YAML or JSON), validated with zod so that a malformed file gets an
 * error naming the field. Sizes accept `4G`, `64M`, `2M`, `64K` or a number;
 * addresses accept `0x40000000` or a number.
 */
import { z } from 'zod'
import { CPU_MODEL_IDS } from '../cpufeature/cputable'

/** The largest CONFIG_NR_CPUS arm64 allows. */
export const MAX_CPUS = 4096

/**
 * Built on first use (z.lazy): a zod schema costs about 9 ms to construct in a cold process, and a
 * command-line boot of a bundled scenario reads it already validated from the cache
 * (src/node/scenario-cache.ts) without ever needing the schema.
 */
export const scenarioSchema = z.lazy(buildScenarioSchema)

function buildScenarioSchema() {
  const SIZE_UNITS: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }

  /** `4G` / `64M` / `0x1000` / 4096 → bytes. */
  const size = z.union([z.number(), z.string()]).transform((v, ctx) => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v
    const s = String(v)
    const m = /^\s*(\d+)\s*([KMGT])i?B?\s*$/i.exec(s)
    if (m) return Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()]
    if (/^0x[0-9a-f]+$/i.test(s)) return Number.parseInt(s, 16)
    ctx.addIssue({ code: 'custom', message: `'${s}' is not a size (use e.g. 4G, 64M, 64K or a byte count)` })
    return z.NEVER
  })

  /** `0x40000000` or a number → bytes. */
  const address = z.union([z.number(), z.string()]).transform((v, ctx) => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v
    const s = String(v)
    if (/^0x[0-9a-f]+$/i.test(s)) return Number.parseInt(s, 16)
    if (/^\d+$/.test(s)) return Number(s)
    ctx.addIssue({ code: 'custom', message: `'${s}' is not an address (use e.g. 0x40000000)` })
    return z.NEVER
  })

  const pageAligned = (v: number) => v % 4096 === 0

  const ramRegion = z.strictObject({
    base: address.refine(pageAligned, 'must be page aligned (4 KiB)'),
    size: size.refine((v) => v > 0 && pageAligned(v), 'must be a non-zero multiple of 4 KiB'),
  })

  const cpu = z.strictObject({
    model: z.enum(CPU_MODEL_IDS),
    revision: z.string().regex(/^r\d+p\d+$/, 'must look like r0p2').default('r0p0'),
    /** How many CPUs of this kind (a compact way to write 256 CPUs). */
    count: z.number().int().min(1).max(MAX_CPUS).default(1),
    /** Possible but brought up only after boot, by cpu_up() (echo 1 > /sys/devices/system/cpu/cpuN/online). */
    hotplug: z.boolean().default(false),
  })

  /** A set_memory_decrypted() user the scenario adds; not a known kernel caller unless it says so. */
  const extraCaller = z.strictObject({
    name: z.string().min(1),
    /**
     * When it runs: right after arch_mm_preinit() (W0, its buffer from memblock), an
     * early_initcall (W1), a CPU-starting callback of CPU n (on that CPU, before it is
     * counted online: the bring-up window), a CPU-online callback of CPU n (W2), or a
     * device initcall (W3).
     */
    at: z.enum(['arch_mm_preinit', 'early_initcall', 'cpu_starting', 'cpu_online', 'device_initcall']),
    cpu: z.number().int().min(1).optional(),
    size: size.refine((v) => v > 0 && pageAligned(v), 'must be a non-zero multiple of 4 KiB'),
    hypothetical: z.boolean().default(true),
  })

  return z.strictObject({
    name: z.string().min(1),
    title: z.string().optional(),
    description: z.string().optional(),
    /** Kernel version string for the console (selects the WARN header style). */
    kernel: z.string().default('7.0.0-rc4'),
    machine: z.strictObject({
      ram: z.array(ramRegion).min(1),
      /** At most NR_CPUS in all: CONFIG_NR_CPUS is 2..4096 on arm64 (arch/arm64/Kconfig). */
      cpus: z
        .array(cpu)
        .min(1)
        .refine((groups) => groups.reduce((n, g) => n + g.count, 0) <= MAX_CPUS, `at most ${MAX_CPUS} CPUs in all (CONFIG_NR_CPUS is at most 4096 on arm64)`),
      /** Physical address and size of the kernel image [_text, _end). */
      kernelImage: z
        .strictObject({ base: address.refine(pageAligned, 'must be page aligned'), size: size })
        .optional(),
      /** Bits of the realm's IPA space; PROT_NS_SHARED is the top one. */
      ipaBits: z.number().int().min(32).max(52).default(48),
    }),
    realm: z.boolean().default(false),
    cmdline: z
      .strictObject({
        rodata: z.enum(['full', 'on', 'off', 'noalias']).default('full'),
        debug_pagealloc: z.boolean().default(false),
        /** kfence.sample_interval=0: KFENCE may be enabled late, so the direct map must be page granular. */
        kfence: z.boolean().default(false),
        /**
         * KFENCE enabled from boot (CONFIG_KFENCE_SAMPLE_INTERVAL > 0, no sample_interval=0): map_mem()
         * takes an early 2 MiB pool from memblock (arm64_kfence_alloc_pool()) and maps it with PTEs.
         */
        kfence_early: z.boolean().default(false),
        /** swiotlb= default pool size. */
        swiotlb: size.default(64 * 2 ** 20),
      })
      .prefault({}),
    /** How the root filesystem is reached: a virtio disk (DMA through swiotlb in a realm) or an initramfs. */
    root: z.enum(['virtio-blk', 'initramfs']).default('virtio-blk'),
    /** A virtio NIC that ip_auto_config opens (the first swiotlb bounce in the 2/3 crash log). */
    network: z.boolean().default(true),
    extraCallers: z.array(extraCaller).default([]),
  })
}

export type Scenario = z.output<typeof scenarioSchema>
export type ScenarioInput = z.input<typeof scenarioSchema>
