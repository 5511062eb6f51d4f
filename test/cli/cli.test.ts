/*
 * The command-line boot: exit status 0 booted, 1 booted with warnings, 2 failed,
 * 3 bad input; errors that name the file, field or line; --compare.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runBoot } from '../../src/cli/bootlab'

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runBoot(args, (s) => out.push(s), (s) => err.push(s))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const dir = mkdtempSync(join(tmpdir(), 'bootlab-cli-'))
function file(name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

describe('bootlab boot', () => {
  it('exits 0 when the boot reaches userspace cleanly', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'series')
    expect(r.code).toBe(0)
    expect(r.out).toContain('Run /sbin/init as init process')
    expect(r.out).toMatch(/^BOOTED: /m)
  })

  it('exits 1 when it boots with warnings', async () => {
    expect((await run('--scenario', 'realm-cpu-online-caller', '--policy', 'series')).code).toBe(1)
  })

  it('exits 2 when the boot fails, naming the panic', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'patched-v2')
    expect(r.code).toBe(2)
    expect(r.out).toContain('Kernel panic - not syncing: Attempted to kill init!')
  })

  it('--json prints the BootResult', async () => {
    const r = await run('--scenario', 'host', '--policy', 'unpatched', '--json')
    const result = JSON.parse(r.out)
    expect(result.version).toBe('bootlab-model/1')
    expect(result.verdict.status).toBe('booted')
  })

  it('exits 3 for an unknown bundled name, listing the known ones', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'no-such-kernel')
    expect(r.code).toBe(3)
    expect(r.err).toContain("no policy 'no-such-kernel'")
    expect(r.err).toContain('patched-v2')
  })

  it('exits 3 for a malformed scenario, naming the file, the line and column, and the field', async () => {
    const bad = file('bad.yaml', 'name: bad\nmachine:\n  ram: [{ base: 0x40000000, size: 4Q }]\n  cpus: [{ model: neoverse-v3 }]\n')
    const r = await run('--scenario', bad, '--policy', 'series')
    expect(r.code).toBe(3)
    // Located at the value, as a compiler would: line 3, the column of 4Q.
    expect(r.err).toContain(`${bad}:3:35: machine.ram.0.size: '4Q' is not a size`)
  })

  it('exits 3 for a policy that does not parse, with file:line:column', async () => {
    const bad = file('broken.c', 'void __init mem_init(void)\n{\n\tswiotlb_update_mem_attributes()\n}\n')
    const r = await run('--scenario', 'realm', '--policy', bad)
    expect(r.code).toBe(3)
    expect(r.err).toMatch(/broken\.c:3:\d+: error: /)
  })

  it('exits 3 for a runaway policy, pointing at the loop', async () => {
    const loop = file('loop.c', 'void __init mem_init(void)\n{\n\tint i = 0;\n\twhile (1)\n\t\ti++;\n}\n')
    const r = await run('--scenario', 'realm', '--policy', loop)
    expect(r.code).toBe(3)
    expect(r.err).toMatch(/loop\.c:[45]:\d+: error: .*budget/)
  })

  it('exits 3 when a policy redefines the simulated kernel itself', async () => {
    const bad = file('takeover.c', 'void start_kernel(void)\n{\n}\n')
    const r = await run('--scenario', 'realm', '--policy', bad)
    expect(r.code).toBe(3)
    expect(r.err).toContain('takeover.c:1:')
    expect(r.err).toContain('cannot be redefined')
  })

  it('--compare reports the first divergence, at the step where the swiotlb share moved', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'unpatched', '--compare', 'patched-v2')
    expect(r.out).toContain('left:  unpatched: FAILED')
    expect(r.out).toContain('right: patched-v2: FAILED')
    expect(r.out).toContain('in arch_mm_preinit()')
  })

  it('--compare of a policy with itself: identical boots', async () => {
    const r = await run('--scenario', 'realm', '--policy', 'series', '--compare', 'series')
    expect(r.out).toContain('The two boots are identical.')
  })
})
