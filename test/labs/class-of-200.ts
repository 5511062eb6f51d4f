/*
 * The 200-submission class the grader tests share: copies of the solution and
 * of start.c, random edits of both, syntax errors, endless loops, endless
 * recursion and huge files, the same every run.
 */
import fc from 'fast-check'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MAX_SUBMISSION_BYTES } from '../../src/cli/submission-limits'
import { applyEdits, editArbitrary, editPool } from '../fuzz/c-mutations'

export const LAB = '06-secondary-cpu-check'
const solution = readFileSync(`labs/${LAB}/solution.c`, 'utf8')
const start = readFileSync(`labs/${LAB}/start.c`, 'utf8')

const LOOPS = [
  'void __init mem_init(void)\n{\n\tfor (;;)\n\t\t;\n}\n',
  'void __init mem_init(void)\n{\n\twhile (1)\n\t\tpagetable_alloc(GFP_PGTABLE_KERNEL);\n}\n',
  'void __init mem_init(void)\n{\nagain:\n\tgoto again;\n}\n',
  'void __init mem_init(void)\n{\n\tfor (;;)\n\t\tWARN_ON(1);\n}\n',
  'int split_kernel_leaf_mapping(unsigned long start, unsigned long end)\n{\n\tdo { } while (start != end + 1);\n\treturn 0;\n}\n',
]
const RECURSIONS = [
  'static int deeper(int n)\n{\n\treturn deeper(n + 1);\n}\n\nvoid __init mem_init(void)\n{\n\tdeeper(0);\n}\n',
  'static int ping(int n);\nstatic int pong(int n)\n{\n\treturn ping(n);\n}\nstatic int ping(int n)\n{\n\treturn pong(n);\n}\nvoid __init mem_init(void)\n{\n\tping(1);\n}\n',
  'static int __set_memory_enc_dec(unsigned long addr, int numpages, bool encrypt)\n{\n\treturn set_memory_decrypted(addr, numpages);\n}\n',
]

export type Kind = 'solution' | 'start' | 'mutation' | 'syntax' | 'loop' | 'recursion' | 'huge'

/** 200 submissions, the same every run: name → [kind, text]. */
export function classOf200(): Map<string, [Kind, string]> {
  const pool = editPool([solution, start])
  const mutations = fc.sample(fc.tuple(fc.boolean(), fc.array(editArbitrary, { minLength: 1, maxLength: 4 })), { numRuns: 60, seed: 20260401 })
  const garbage = fc.sample(fc.string({ unit: fc.constantFrom(...'{}();=*&"#\n abc01'), minLength: 1, maxLength: 200 }), { numRuns: 20, seed: 7 })
  const kinds: [Kind, (i: number) => string, number][] = [
    ['solution', (i) => `${solution}\n/* student ${i} */\n`, 40],
    ['start', (i) => `${start}${'\n'.repeat(i % 3)}`, 40],
    ['mutation', (i) => applyEdits(mutations[i][0] ? solution : start, mutations[i][1], pool), 60],
    ['syntax', (i) => `int broken_${i}(void) {\n${garbage[i]}\n`, 20],
    ['loop', (i) => LOOPS[i % LOOPS.length], 15],
    ['recursion', (i) => RECURSIONS[i % RECURSIONS.length], 15],
    ['huge', (i) => `/* ${'x'.repeat(MAX_SUBMISSION_BYTES + i)} */\n${solution}`, 10],
  ]
  const all = new Map<string, [Kind, string]>()
  let n = 0
  for (const [kind, make, count] of kinds) for (let i = 0; i < count; i++) all.set(`student-${String(++n).padStart(3, '0')}-${kind}.c`, [kind, make(i)])
  return all
}

export function writeClass(submissions: Map<string, [Kind, string]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bootlab-class-'))
  for (const [name, [, text]] of submissions) writeFileSync(join(dir, name), text)
  return dir
}
