/*
 * Kernel states stack like a patch series: `Builds on: <state>` overlays that
 * state (and its parents) before the file itself; without it a policy overlays
 * the base kernel.
 */
import { describe, expect, it } from 'vitest'
import { policyParent } from '../../../src/core'
import { loadKernelPolicy } from '../../../src/node/kernel-policy'

describe('Builds on:', () => {
  it('is read from a header comment, with or without .c, block or line comment', () => {
    expect(policyParent('/*\n * SERIES\n *\n * Builds on: patched-v2\n */')).toEqual({ name: 'patched-v2', line: 4 })
    expect(policyParent('/* Builds on: series.c */\nint x;')).toEqual({ name: 'series', line: 1 })
    expect(policyParent('// Builds on: unpatched')).toEqual({ name: 'unpatched', line: 1 })
    expect(policyParent('int x; /* no parent */')).toBeNull()
  })

  it('series.c alone is patch 2/3: it gets split_kernel_leaf_mapping() from patched-v2', async () => {
    const p = await loadKernelPolicy({ name: 'series', file: 'series.c', text: '/* Builds on: patched-v2 */\n' })
    expect(p.diagnostics).toEqual([])
    expect(p.program?.functions.find((f) => f.name === 'split_kernel_leaf_mapping')?.file).toBe('patched-v2.c')
    expect(p.program?.functions.find((f) => f.name === 'arch_mm_preinit')?.file).toBe('patched-v2.c')
    expect(p.program?.functions.find((f) => f.name === 'map_mem')?.file).toBe('unpatched.c')
  })

  it('an unknown kernel state is an error at the Builds on line', async () => {
    const p = await loadKernelPolicy({ name: 'x', file: 'x.c', text: '/*\n * Builds on: patched-v9\n */\n' })
    expect(p.program).toBeNull()
    expect(p.diagnostics[0]).toMatchObject({ file: 'x.c', line: 2, severity: 'error' })
    expect(p.diagnostics[0].message).toContain('patched-v9')
  })

  it('a cycle is an error, not a hang', async () => {
    const files: Record<string, string> = { a: '/* Builds on: b */\n', b: '/* Builds on: a */\n' }
    const lookup = (name: string) => (files[name] ? { name, file: `${name}.c`, text: files[name] } : undefined)
    const p = await loadKernelPolicy({ name: 'a', file: 'a.c', text: files.a }, lookup)
    expect(p.program).toBeNull()
    expect(p.diagnostics[0].message).toContain('cycle')
  })
})
