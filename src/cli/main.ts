/*
 * The installed `bootlab` command's dispatcher: the app, the command-line boot
 * and grader, the course commands, the debugger, the bundled labs, --version
 * and --help, each in its own module beside this one. bin/bootlab.mjs runs the
 * bundle of this file that `npm run build` writes to out/cli/bootlab.mjs. Only the boot
 * command (the one people time) is imported up front; every other command's module is
 * imported when it runs, so a boot does not parse the app server, the course commands'
 * Markdown renderer or the autograder.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { EXIT, processTerminal, runBoot, type Terminal } from './bootlab'
import { closestName } from '../core'
import { PACKAGE_ROOT } from '../node/resources'

/** Fixed so the browser keeps the learner's saved work between runs (web mode saves per origin). */
const DEFAULT_WEB_PORT = 4317

/** The commands, as `bootlab --help` lists them and `bootlab <command> --help` prints one. */
const COMMANDS: { name: string; usage: string; about: string[] }[] = [
  {
    name: 'app',
    usage: 'bootlab [app] [--port <n>]',
    about: ['open the desktop app; without the Electron binary, serve the', `same app to your browser at http://127.0.0.1:${DEFAULT_WEB_PORT}/`],
  },
  { name: 'boot', usage: 'bootlab boot <options>', about: ['boot a kernel policy on a simulated machine, or grade it against', 'a lab (all options: bootlab boot --help)'] },
  { name: 'init', usage: 'bootlab init [dir]', about: ["make a course folder: each lab's start.c (your file), README and", 'answers.md'] },
  { name: 'watch', usage: 'bootlab watch [lab]', about: ['grade the current lab on every save; on to the next when it is', 'finished'] },
  { name: 'lab', usage: 'bootlab lab <id>', about: ["a lab's instructions"] },
  { name: 'hint', usage: 'bootlab hint [lab] [n]', about: ["a lab's hints, the next one not yet shown (or hint n)"] },
  { name: 'progress', usage: 'bootlab progress', about: ['the labs you have passed'] },
  { name: 'dap', usage: 'bootlab dap', about: ['the policy debugger over the Debug Adapter Protocol on stdio', '(VS Code launch.json: docs/debugging.md)'] },
  { name: 'labs', usage: 'bootlab labs', about: ['list the bundled labs'] },
  {
    name: 'check',
    usage: 'bootlab check <lab>',
    about: ['check a lab folder you are writing: it loads, its goals name what its', "boots know, solution.c passes, a fix lab's start.c fails (docs/lab-authoring.md)"],
  },
  {
    name: 'autograder',
    usage: 'bootlab autograder <lab> <dir> [--tarball <tgz>]',
    about: ['write a Gradescope autograder bundle and a GitHub Classroom', 'workflow for a lab (docs/grading.md)'],
  },
]

const USAGE_WIDTH = 29

/** One command's lines: its usage, then what it does, aligned (a long usage gets a line of its own). */
function commandLines(c: (typeof COMMANDS)[number]): string[] {
  const pad = ' '.repeat(2 + USAGE_WIDTH)
  const [first, ...more] = c.about
  const head = c.usage.length < USAGE_WIDTH ? [`  ${c.usage.padEnd(USAGE_WIDTH)}${first}`] : [`  ${c.usage}`, `${pad}${first}`]
  return [...head, ...more.map((line) => `${pad}${line}`)]
}

const HELP = `bootlab: simulated arm64 Linux boots driven by kernel-C policies; a teaching lab.

usage:
${[...COMMANDS.flatMap(commandLines), ...commandLines({ name: '', usage: 'bootlab --version', about: ['print the version'] }), ...commandLines({ name: '', usage: 'bootlab --help', about: ['print this help; bootlab <command> --help, one command'] })].join('\n')}

examples:
  bootlab boot --scenario realm --policy unpatched       the unpatched realm guest WARNs, then panics
  bootlab boot --scenario realm --policy series          the merged fix: boots cleanly (exit 0)
  bootlab boot --scenario realm --policy my-fix.c --compare series
                                                         your policy file against the fix, first divergence
  bootlab boot --scenario realm --policy my-fix.c --report report.html
                                                         also write the lab report
  bootlab boot --lab 05-move-swiotlb --policy my-fix.c   grade it: exit 0 when every goal passes
  bootlab boot --lab 05-move-swiotlb --policy my-fix.c --json
                                                         each goal's result as JSON, for CI
  bootlab boot --lab 05-move-swiotlb --policy-dir class/ --format junit --shard 1/4
                                                         a quarter of a class, as JUnit XML

exit status of boot: 0 booted cleanly (with --lab: every goal passed); bootlab boot --help lists the rest`

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version
}

async function printLabs(out: (s: string) => void): Promise<number> {
  const labs = (await import('./labs')).listBundledLabs()
  if (labs.length === 0) {
    out('No labs are bundled with this build.')
    return 0
  }
  const width = Math.max(...labs.map((lab) => lab.id.length))
  for (const lab of labs) out(`${lab.id.padEnd(width)}  ${lab.title}`)
  return 0
}

async function app(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let port: number
  try {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string' } }, strict: true })
    port = values.port === undefined ? DEFAULT_WEB_PORT : Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not '${values.port}'`)
  } catch (error) {
    err(`bootlab app: ${(error as Error).message}`)
    return EXIT.badInput
  }
  return (await import('./app')).runApp(PACKAGE_ROOT, port, out, err)
}

/** The arguments without --no-color (read once, for the terminal). */
const without = (argv: string[]) => argv.filter((a) => a !== '--no-color')

export async function main(
  argv: string[],
  out = (s: string) => void process.stdout.write(s + '\n'),
  err = (s: string) => void process.stderr.write(s + '\n'),
  terminal: Terminal = processTerminal(argv.includes('--no-color')),
): Promise<number> {
  const [command, ...rest] = argv
  // `bootlab <command> --help`: that command's usage (boot has its own, with every option).
  const known = COMMANDS.find((c) => c.name === command)
  if (known && command !== 'boot' && rest.some((a) => a === '--help' || a === '-h')) {
    out(['usage:', ...commandLines(known)].join('\n'))
    return 0
  }
  switch (command) {
    case undefined:
    case 'app':
      return app(rest, out, err)
    case 'boot':
      return runBoot(rest, out, err, terminal)
    case 'dap':
      return (await import('./dap')).runDap()
    case 'labs':
      return printLabs(out)
    case 'check':
      return (await import('./check-lab')).runCheck(without(rest), out, err, terminal.style)
    case 'autograder':
      return (await import('./autograder')).runAutograder(rest, out, err)
    case 'init':
      return (await import('./course')).init(rest, out, err)
    case 'watch':
      return (await import('./course')).watchCourse(without(rest), out, err, terminal.style)
    case 'hint':
      return (await import('./course')).hint(without(rest), out, err, terminal.style)
    case 'lab':
      return (await import('./course')).showLab(without(rest), out, err, terminal.style, Math.min(100, process.stdout.columns || 80))
    case 'progress':
      return (await import('./course')).progress(without(rest), out, err, terminal.style)
    case '--version':
    case '-v':
      out(packageVersion())
      return 0
    case '--help':
    case '-h':
    case 'help':
      out(HELP)
      return 0
    default: {
      if (command.startsWith('--port')) return app(argv, out, err)
      const near = closestName(command.replace(/^-+/, ''), COMMANDS.map((c) => c.name))
      err(`bootlab: unknown ${command.startsWith('-') ? 'option' : 'command'} '${command}'${near ? `; did you mean 'bootlab ${near}'?` : ''} (bootlab --help lists them)`)
      return EXIT.badInput
    }
  }
}
