/*
 * Whole splats compared line by line with the kernel's printing code and the
 * public logs, not with the model's output:
 * - kernel/panic.c __warn(): `------------[ cut here ]------------`, from 6.19
 *   `WARNING: %s:%d at %pS, CPU#%d: %s/%d` (file, line, caller, cpu, comm, pid),
 *   print_modules() `Modules linked in:`, show_regs(), `---[ end trace %016llx ]---`;
 * - lib/dump_stack.c dump_stack_print_info(): `CPU: %d UID: %u PID: %d Comm: %.20s
 *   %s%s %s %.*s %s ` (taint, release, version up to its first space, preempt model,
 *   then the empty BUILD_ID), `Tainted: [W]=WARN` when tainted, `Hardware name:`;
 * - arch/arm64/kernel/process.c __show_regs(): pstate, `pc : %pS`, `lr : %pS`,
 *   `sp : %016llx` (the model leaves the x29..x0 block out, docs/model.md);
 * - arch/arm64/kernel/stacktrace.c: `Call trace:`, frames indented one space, the
 *   pc frame marked ` (P)`;
 * - the frames of the realm WARN from Suzuki Poulose's 7.0-rc1 log (kernel reference
 *   §9) and of the 2/3 Oops from Ryan Roberts's 7.0.0-rc4 log (v1 2/3 mail):
 *   `__set_memory_enc_dec.part.0`, no `__change_memory_common`, `__primary_switched`
 *   under `start_kernel`, `virtnet_rq_alloc.isra.0`, `lr : swiotlb_bounce` with no
 *   swiotlb_bounce frame, `do_one_initcall` under `kernel_init_freeable`;
 * - arch/arm64/kernel/traps.c __die(): `Internal error: %s: %016lx [#%d]` then
 *   ` SMP`, dump_kernel_instr() `Code:`; kernel/panic.c panic() prints no stack after
 *   TAINT_DIE; arch/arm64/kernel/setup.c arm64_panic_block_dump(): Kernel Offset,
 *   PHYS_OFFSET, CPU features, Memory Limit.
 * Symbol offsets, sp, Code words, the KASLR offset and the CPU-features bitmap are
 * model placeholders (docs/model.md): they are matched by shape, and the offsets
 * the kernel prints twice (header and pc, pc and first frame) must agree.
 */
import { describe, expect, it } from 'vitest'
import type { BootResult } from '../../../src/core'
import { bootNamed, bootWith } from '../../helpers/boot'

const OFF = '\\+0x[0-9a-f]+/0x[0-9a-f]+'
/** A line with `fn+0x../0x..` where `@` stands, matched exactly otherwise. */
const sym = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/@/g, OFF)}$`)

function splatText(r: BootResult, index: number): string[] {
  const [first, last] = r.splats[index].lines
  return r.console.slice(first, last + 1).map((l) => l.text)
}

function expectLines(actual: string[], expected: (string | RegExp)[]): void {
  const rows = Math.max(actual.length, expected.length)
  for (let i = 0; i < rows; i++) {
    const want = expected[i]
    const got = actual[i]
    if (want instanceof RegExp) expect(got, `line ${i + 1}`).toMatch(want)
    else expect(got, `line ${i + 1}`).toBe(want)
  }
}

const offsetOf = (line: string, fn: string) => new RegExp(`${fn.replace(/\./g, '\\.')}(${OFF})`).exec(line)?.[1]

/** The realm WARN frames from pageattr down to set_memory_decrypted, as the 7.0-rc1 log prints them. */
const PAGEATTR_TO_DECRYPT = (entry: string) => [
  'Call trace:',
  sym(` ${entry}@ (P)`),
  sym(' walk_kernel_page_table_range_lockless@'),
  sym(' update_range_prot@'),
  sym(' __set_memory_enc_dec.part.0@'),
  sym(' realm_set_memory_decrypted@'),
  sym(' set_memory_decrypted@'),
]

const EARLY_PSTATE = 'pstate: 800000c5 (Nzcv daIF -PAN -UAO -TCO -DIT -SSBS BTYPE=--)'
const SP = /^sp : [0-9a-f]{16}$/

describe('the console as the kernel prints it', () => {
  it('a pageattr WARN from the ITS in W1 (init_IRQ, one CPU, caps not final): the whole splat', async () => {
    // The base kernel with swiotlb_update_mem_attributes() taken out of arch_mm_preinit(), so the
    // ITS's first table is the first decrypt: unpatched split_kernel_leaf_mapping() returns 0
    // before caps are final, and the pud callback meets a 1 GiB block the 64 KiB range only partly covers.
    const preinit = `void __init arch_mm_preinit(void)
{
	unsigned int flags = SWIOTLB_VERBOSE;
	bool swiotlb = max_pfn > PFN_DOWN(arm64_dma_phys_limit);

	if (is_realm_world()) {
		swiotlb = true;
		flags |= SWIOTLB_FORCE;
	}

	swiotlb_init(swiotlb, flags);
}
`
    const r = await bootWith('realm', preinit, 'its-first.c')
    const warn = r.splats.findIndex((s) => s.kind === 'warn')
    const lines = splatText(r, warn)
    expectLines(lines, [
      '------------[ cut here ]------------',
      // pageattr_pud_entry() starts at pageattr.c:34; its WARN_ON_ONCE is 6 lines in (line 40), as in the kernel file.
      sym('WARNING: arch/arm64/mm/pageattr.c:40 at pageattr_pud_entry@, CPU#0: swapper/0/0'),
      'Modules linked in:',
      // After sched_init() the idle task is swapper/0; nothing tainted yet.
      'CPU: 0 UID: 0 PID: 0 Comm: swapper/0 Not tainted 7.0.0-rc4 #1 PREEMPT ',
      'Hardware name: linux,dummy-virt (DT)',
      // Before start_kernel()'s local_irq_enable(): DAIF all masked.
      EARLY_PSTATE,
      sym('pc : pageattr_pud_entry@'),
      sym('lr : walk_kernel_page_table_range_lockless@'),
      SP,
      ...PAGEATTR_TO_DECRYPT('pageattr_pud_entry'),
      sym(' its_alloc_pages_node@'),
      sym(' its_probe_one@'),
      sym(' its_of_probe@'),
      sym(' its_init@'),
      sym(' gic_init_bases@'),
      sym(' gic_of_init@'),
      sym(' of_irq_init@'),
      sym(' irqchip_init@'),
      sym(' init_IRQ@'),
      sym(' start_kernel@'),
      sym(' __primary_switched@'),
      '---[ end trace 0000000000000000 ]---',
    ])
    // The same offset in the header, the pc line and the first frame.
    const off = offsetOf(lines[1], 'pageattr_pud_entry')
    expect(off).toBeDefined()
    expect(offsetOf(lines[6], 'pageattr_pud_entry')).toBe(off)
    expect(offsetOf(lines[10], 'pageattr_pud_entry')).toBe(off)
    // The policy's place stays in the BootResult, per splat and per line, never in the text.
    const splat = r.splats[warn]
    expect(splat.site).toMatchObject({ fn: 'pageattr_pud_entry', origin: 'policy', file: 'unpatched.c' })
    expect(splat.printed).toEqual({ file: 'arch/arm64/mm/pageattr.c', line: 40 })
    const header = r.console[splat.lines[0] + 1]
    expect(header.source).toEqual({ file: 'unpatched.c', line: splat.site.line })
    expect(lines.join('\n')).not.toMatch(/\.c:\d+\]|unpatched\.c/)

    // The WARN(ret, ...) that follows: the message line after cut here (arm64 prints it before the
    // BRK), the tainted CPU line with the fixed-width taint string and the verbose taint line.
    expectLines(splatText(r, warn + 1).slice(0, 7), [
      '------------[ cut here ]------------',
      'Failed to decrypt memory, 16 pages will be leaked',
      sym('WARNING: arch/arm64/mm/pageattr.c:330 at realm_set_memory_decrypted@, CPU#0: swapper/0/0'),
      'Modules linked in:',
      // print_tainted(): P as G, then F R M B U D A blank, W, then C I O E L K X T N J blank.
      'CPU: 0 UID: 0 PID: 0 Comm: swapper/0 Tainted: G       W           7.0.0-rc4 #1 PREEMPT ',
      'Tainted: [W]=WARN',
      'Hardware name: linux,dummy-virt (DT)',
    ])
  })

  it('the rodata=off WARN through mem_init (Suzuki Poulose\'s realm log): idle task still "swapper"', async () => {
    const r = await bootNamed('realm-rodata-off', 'patched-v2')
    const lines = splatText(r, 0)
    expectLines(lines, [
      '------------[ cut here ]------------',
      // Before sched_init() the idle task's comm is "swapper" (init_task), PID 0.
      sym('WARNING: arch/arm64/mm/pageattr.c:40 at pageattr_pud_entry@, CPU#0: swapper/0'),
      'Modules linked in:',
      'CPU: 0 UID: 0 PID: 0 Comm: swapper Not tainted 7.0.0-rc1 #1 PREEMPT ',
      'Hardware name: linux,dummy-virt (DT)',
      EARLY_PSTATE,
      sym('pc : pageattr_pud_entry@'),
      sym('lr : walk_kernel_page_table_range_lockless@'),
      SP,
      ...PAGEATTR_TO_DECRYPT('pageattr_pud_entry'),
      sym(' swiotlb_update_mem_attributes@'),
      sym(' mem_init@'),
      sym(' mm_core_init@'),
      sym(' start_kernel@'),
      sym(' __primary_switched@'),
      '---[ end trace 0000000000000000 ]---',
    ])
    expect(offsetOf(lines[1], 'pageattr_pud_entry')).toBe(offsetOf(lines[6], 'pageattr_pud_entry'))
    // mem_init is the patched policy's: the frame keeps its place for the app's jump-to-line.
    const memInit = r.splats[0].trace.find((f) => f.fn === 'mem_init')!
    expect(memInit).toMatchObject({ origin: 'policy', file: 'patched-v2.c' })
    expect(memInit.line).toBeGreaterThan(0)
  })

  it('the 2/3 Oops at the first swiotlb bounce (Ryan Roberts\'s 7.0.0-rc4 log), then the panic tail', async () => {
    // The log's guest: one CPU, so the panic stops no other CPU (arm64 smp_send_stop() prints only when others are online).
    const r = await bootWith(
      {
        name: 'realm-1cpu',
        kernel: '7.0.0-rc4',
        machine: { ram: [{ base: 0x40000000, size: '4G' }], cpus: [{ model: 'neoverse-v3', revision: 'r0p2', count: 1 }], kernelImage: { base: 0x40200000, size: '24M' } },
        realm: true,
        cmdline: { rodata: 'full' },
      },
      '/* Builds on: patched-v2 */\n',
      'v2-only.c',
    )
    const oops = r.splats.findIndex((s) => s.kind === 'oops')
    const [first] = r.splats[oops].lines
    expect(r.console[first - 1].text).toBe('software IO TLB: Memory encryption is active and system is using DMA bounce buffers')
    const lines = splatText(r, oops)
    expectLines(lines, [
      /^Unable to handle kernel paging request at virtual address ffff[0-9a-f]{12}$/,
      'Mem abort info:',
      '  ESR = 0x0000000096000046',
      '  EC = 0x25: DABT (current EL), IL = 32 bits',
      '  SET = 0, FnV = 0',
      '  EA = 0, S1PTW = 0',
      '  FSC = 0x06: level 2 translation fault',
      'Data abort info:',
      '  ISV = 0, ISS = 0x00000046, ISS2 = 0x00000000',
      '  CM = 0, WnR = 1, TnD = 0, TagAccess = 0',
      '  GCS = 0, Overlay = 0, DirtyBit = 0, Xs = 0',
      /^swapper pgtable: 4k pages, 48-bit VAs, pgdp=[0-9a-f]{16}$/,
      // The pmd is a block with bit 0 (valid) clear: the invalidated leaf 2/3 fixes.
      /^\[ffff[0-9a-f]{12}\] pgd=[0-9a-f]{16}, p4d=[0-9a-f]{16}, pud=[0-9a-f]{16}, pmd=[0-9a-f]{15}[02468ace]$/,
      'Internal error: Oops: 0000000096000046 [#1]  SMP',
      'Modules linked in:',
      // PID 1 before it execs keeps its parent's name.
      'CPU: 0 UID: 0 PID: 1 Comm: swapper/0 Not tainted 7.0.0-rc4 #1 PREEMPT ',
      'Hardware name: linux,dummy-virt (DT)',
      'pstate: 21400005 (nzCv daif +PAN -UAO -TCO +DIT -SSBS BTYPE=--)',
      sym('pc : __pi_memcpy_generic@'),
      sym('lr : swiotlb_bounce@'),
      SP,
      'Call trace:',
      sym(' __pi_memcpy_generic@ (P)'),
      sym(' swiotlb_tbl_map_single@'),
      sym(' swiotlb_map@'),
      sym(' dma_map_phys@'),
      sym(' dma_map_page_attrs@'),
      sym(' virtqueue_map_page_attrs@'),
      sym(' virtqueue_map_single_attrs@'),
      sym(' virtnet_rq_alloc.isra.0@'),
      sym(' try_fill_recv@'),
      sym(' virtnet_open@'),
      sym(' __dev_open@'),
      sym(' __dev_change_flags@'),
      sym(' netif_change_flags@'),
      sym(' dev_change_flags@'),
      sym(' ip_auto_config@'),
      sym(' do_one_initcall@'),
      sym(' kernel_init_freeable@'),
      sym(' kernel_init@'),
      sym(' ret_from_fork@'),
      /^Code: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} \([0-9a-f]{8}\)$/,
      '---[ end trace 0000000000000000 ]---',
    ])
    expect(offsetOf(lines[18], '__pi_memcpy_generic')).toBe(offsetOf(lines[22], '__pi_memcpy_generic'))
    // Every frame printed once: no repeated neighbours.
    const frames = lines.slice(22, 41).map((l) => l.trim().replace(/\+.*/, ''))
    expect(frames.filter((f, i) => f === frames[i - 1])).toEqual([])

    const panic = r.splats.findIndex((s) => s.kind === 'panic')
    expect(panic).toBe(oops + 1)
    expectLines(splatText(r, panic), [
      'Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b',
      // TAINT_DIE is set: no second stack dump. Then the arm64 panic notifier's tail.
      /^Kernel Offset: 0x[0-9a-f]+ from 0xffff800080000000$/,
      // PHYS_OFFSET is memstart_addr: the start of RAM here.
      'PHYS_OFFSET: 0x40000000',
      /^CPU features: 0x[0-9a-f]{7},[0-9a-f]{8},[0-9a-f]{8},[0-9a-f]{8}$/,
      'Memory Limit: none',
      '---[ end Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b ]---',
    ])
  })

  it('a panic() without a kernel death dumps the stack (show_stack, dump_stack_lvl, dump_stack, panic) with D absent', async () => {
    const r = await bootWith('host', 'void __init mem_init(void)\n{\n\tpanic("no %s here", "mem_init");\n}\n', 'panics.c')
    const panic = r.splats.findIndex((s) => s.kind === 'panic')
    const lines = splatText(r, panic)
    expect(lines.slice(0, 9)).toEqual([
      'Kernel panic - not syncing: no mem_init here',
      expect.stringMatching(/^CPU: 0 UID: 0 PID: 0 Comm: swapper (Not tainted|Tainted: G {7}W {10}) 6\.18\.0 #1 PREEMPT $/),
      'Hardware name: linux,dummy-virt (DT)',
      'Call trace:',
      expect.stringMatching(sym(' show_stack@ (C)')),
      expect.stringMatching(sym(' dump_stack_lvl@')),
      expect.stringMatching(sym(' dump_stack@')),
      expect.stringMatching(sym(' panic@')),
      expect.stringMatching(sym(' mem_init@')),
    ])
  })
})

describe('a printk record', () => {
  // kernel/printk/printk.c printk_sprint(): "Mark and strip a trailing newline": the newline ends
  // the record and is not part of its text; a newline inside the message stays in it.
  it('loses its one trailing newline, keeps any other', async () => {
    const policy = 'static int __init say(void)\n{\n\tpr_info("one line\\n");\n\tpr_info("no newline");\n\tpr_info("two\\n\\n");\n\tpr_info("in\\nside");\n\treturn 0;\n}\nlate_initcall(say);\n'
    const r = await bootWith('host', policy, 'printk.c')
    const texts = r.console.map((l) => l.text)
    const at = texts.indexOf('one line')
    expect(at).toBeGreaterThanOrEqual(0)
    expect(texts.slice(at, at + 4)).toEqual(['one line', 'no newline', 'two\n', 'in\nside'])
    expect(r.console[at].line).toMatch(/^\[ *\d+\.\d{6}\] one line$/)
  })
})
