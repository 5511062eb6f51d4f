/*
 * The dispatcher's manners: `bootlab <command> --help` prints that command's usage and exits 0
 * for every command (each used to do something else: init printed usage with exit 3, lab and
 * hint looked for a lab called "--help", dap started and waited on stdin); an unknown command or
 * option says so in one line, with the nearest command, instead of the whole help.
 */
import { describe, expect, it } from 'vitest'
import { main } from '../../src/cli/main'

async function run(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, (s) => void out.push(s), (s) => void err.push(s))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('bootlab <command> --help', () => {
  it.each(['app', 'init', 'watch', 'lab', 'hint', 'progress', 'dap', 'labs', 'autograder'])('%s --help prints its usage, as --help lists it, and exits 0', async (command) => {
    const all = (await run('--help')).out
    for (const flag of ['--help', '-h']) {
      const r = await run(command, flag)
      expect(r.code).toBe(0)
      expect(r.err).toBe('')
      const [head, ...lines] = r.out.split('\n')
      expect(head).toBe('usage:')
      expect(lines[0].startsWith(`  bootlab ${command === 'app' ? '[app]' : command} `)).toBe(true)
      // The same lines as in the whole help: one source for both.
      expect(all).toContain(lines.join('\n'))
    }
  })

  it('boot --help keeps its own usage with every option', async () => {
    const r = await run('boot', '--help')
    expect(r.code).toBe(0)
    expect(r.out).toContain('--policy-dir')
  })
})

describe('an unknown command or option', () => {
  it('is named in one line, with the nearest command, and exits 3', async () => {
    const typo = await run('progres')
    expect(typo).toEqual({ code: 3, out: '', err: "bootlab: unknown command 'progres'; did you mean 'bootlab progress'? (bootlab --help lists them)" })
    const option = await run('--bogus')
    expect(option).toEqual({ code: 3, out: '', err: "bootlab: unknown option '--bogus' (bootlab --help lists them)" })
  })

  it("an option given a value that starts with '-' says how to write it, in the boot command's words", async () => {
    const r = await run('boot', '--lab', '05-move-swiotlb', '--policy-dir', '.', '--jobs', '-1')
    expect(r.code).toBe(3)
    expect(r.err.split('\n')[0]).toBe("bootlab: --jobs needs a value; write --jobs=<value> for one that starts with '-'")
    expect(r.err).not.toContain('ambiguous')
  })
})
