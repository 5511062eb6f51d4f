/*
 * Issue 11, item 11 (engine parts): a policy saved with CR-only or CRLF line
 * ends gets its diagnostics on the lines an editor shows (tree-sitter counts
 * LF only, so CR-only text was all "line 1"); start_kernel() called from a
 * policy is an error at the policy's call, not a second boot failing inside
 * unpatched.c.
 */
import { describe, expect, it } from 'vitest'
import { policyParent } from '../../../src/core'
import { bootWith } from '../../helpers/boot'
import { brief, compile } from './harness'

const LINES = ['void f(void)', '{', '\tint x;', '\tx = undefined_thing;', '}', '']

describe('line ends', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('%s: a diagnostic names the line and column an editor shows', (_name, eol) => {
    expect(brief(compile(LINES.join(eol)).diagnostics)).toEqual([
      "4:6 unknown-identifier 'undefined_thing' undeclared (not a local, a global, a #define or a kernel constant)",
    ])
  })

  it('a UTF-8 byte-order mark (as some Windows editors save) does not move line 1\'s columns, as GCC and Monaco skip it', () => {
    const first = ['int x = ;', '']
    expect(brief(compile('\uFEFF' + first.join('\n')).diagnostics)).toEqual(brief(compile(first.join('\n')).diagnostics))
    expect(compile('\uFEFF' + LINES.join('\r\n')).diagnostics.map((d) => [d.line, d.column])).toEqual([[4, 6]])
    // 'Builds on:' on a first line behind the mark is still found (it was not: the file built on the base kernel).
    expect(policyParent('\uFEFF/* Builds on: patched-v2 */')).toEqual({ name: 'patched-v2', line: 1 })
  })

  it('a runtime error in a CR-only policy is located at its line', async () => {
    const r = await bootWith('host', 'void __init mem_init(void)\r{\r\tint i = 0;\r\r\tfor (;;)\r\t\ti++;\r}\r', 'cr.c')
    expect(r.diagnostics.find((d) => d.severity === 'error')).toMatchObject({ file: 'cr.c', code: 'budget', line: expect.toSatisfy((l: number) => l === 5 || l === 6) })
  })

  it("'Builds on:' is found on its line whatever the line ends", () => {
    expect(policyParent('/*\r * A state.\r * Builds on: patched-v2\r */\r')).toEqual({ name: 'patched-v2', line: 3 })
  })
})

describe('start_kernel() from a policy', () => {
  it('is an error at the policy line that calls it', async () => {
    const r = await bootWith('host', 'void __init mem_init(void)\n{\n\tpr_info("again\\n");\n\tstart_kernel();\n}\n', 'again.c')
    expect(r.verdict.status).toBe('policy-error')
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ file: 'again.c', line: 4, column: 2, message: 'start_kernel() is the boot itself, entered once from head.S: a policy cannot call it' }),
    ])
  })
})
