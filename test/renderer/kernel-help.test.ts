import { describe, expect, it } from 'vitest'
import { NATIVE_SIGNATURES } from '../../src/core'
import { helpMarkdown, KERNEL_HELP, UNVERIFIED_NOTE } from '../../src/renderer/kernel-help'

describe('kernel helper help', () => {
  it('covers every native function, constant and object of the core', () => {
    for (const name of [...NATIVE_SIGNATURES.functions.keys(), ...NATIVE_SIGNATURES.constants.keys(), ...(NATIVE_SIGNATURES.objects?.keys() ?? [])]) {
      expect(KERNEL_HELP.has(name), name).toBe(true)
    }
  })

  it('a function: its arguments, doc and kernel file', () => {
    const help = KERNEL_HELP.get('system_supports_bbml2_noabort')!
    expect(help).toMatchObject({ kind: 'function', signature: 'system_supports_bbml2_noabort(no arguments)', file: 'arch/arm64/kernel/cpufeature.c', unverified: false })
    const text = helpMarkdown(help)
    expect(text).toContain('Kernel file: `arch/arm64/kernel/cpufeature.c`')
    expect(text).not.toContain(UNVERIFIED_NOTE)
  })

  it('says when the kernel reference marks a helper unverified', () => {
    const unverified = [...KERNEL_HELP.values()].filter((h) => h.unverified)
    expect(unverified.map((h) => h.name)).toEqual([...NATIVE_SIGNATURES.functions.values()].filter((f) => f.unverified).map((f) => f.name))
    expect(unverified.length).toBeGreaterThan(0)
    expect(helpMarkdown(unverified[0])).toContain(UNVERIFIED_NOTE)
  })

  it('constants and objects, with Markdown in docs escaped', () => {
    expect(KERNEL_HELP.get('PMD_SIZE')).toMatchObject({ kind: 'constant', signature: 'PMD_SIZE' })
    expect(KERNEL_HELP.get('pgtable_split_lock')).toMatchObject({ kind: 'object', signature: '&pgtable_split_lock' })
    expect(helpMarkdown({ name: 'x', kind: 'constant', signature: 'x', doc: 'a pmd_t * and __init', unverified: false, arity: 0 })).toContain(
      'a pmd\\_t \\* and \\_\\_init',
    )
  })
})
