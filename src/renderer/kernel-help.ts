/*
 * Editor help for what a policy may use without defining it: the core's natives
 * (functions, constants, kernel objects) with their docs and kernel files, taken
 * from NATIVE_SIGNATURES, the table the policy compiler checks calls against.
 * Constants carry no value here: theirs depends on the machine.
 */
import { NATIVE_SIGNATURES } from '../core'

export interface KernelHelp {
  name: string
  kind: 'function' | 'constant' | 'object'
  /** `set_memory_decrypted(2 arguments)`, `PMD_SIZE`, `&pgtable_split_lock`. */
  signature: string
  doc: string
  /** Kernel file a native function stands for. */
  file?: string
  /** The kernel reference marks this unverified. */
  unverified: boolean
  arity: number
}

function argumentsText(arity: number | { min: number }): string {
  if (typeof arity === 'number') return arity === 0 ? 'no arguments' : arity === 1 ? '1 argument' : `${arity} arguments`
  return `${arity.min} or more arguments`
}

export const KERNEL_HELP: ReadonlyMap<string, KernelHelp> = new Map<string, KernelHelp>([
  ...[...NATIVE_SIGNATURES.functions.values()].map((f): [string, KernelHelp] => [
    f.name,
    {
      name: f.name,
      kind: 'function',
      signature: `${f.name}(${argumentsText(f.arity)})`,
      doc: f.doc,
      file: f.file,
      unverified: f.unverified === true,
      arity: typeof f.arity === 'number' ? f.arity : f.arity.min,
    },
  ]),
  ...[...NATIVE_SIGNATURES.constants.values()].map((c): [string, KernelHelp] => [
    c.name,
    { name: c.name, kind: 'constant', signature: c.name, doc: c.doc, unverified: false, arity: 0 },
  ]),
  ...[...(NATIVE_SIGNATURES.objects?.values() ?? [])].map((o): [string, KernelHelp] => [
    o.name,
    { name: o.name, kind: 'object', signature: `&${o.name}`, doc: `${o.doc} A policy may only take its address.`, unverified: false, arity: 0 },
  ]),
])

export const UNVERIFIED_NOTE = 'Unverified in the kernel reference: the model guesses how the real kernel behaves here.'

/** Docs are plain text: `pmd_t *` or `__init` must not turn into emphasis. */
const escapeMarkdown = (text: string) => text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&')

/** Hover and completion text, as Markdown. */
export function helpMarkdown(help: KernelHelp): string {
  const kind = { function: 'kernel function (native)', constant: 'kernel constant', object: 'kernel object' }[help.kind]
  const parts = [`\`${help.signature}\` — ${kind}`, escapeMarkdown(help.doc)]
  if (help.file) parts.push(`Kernel file: \`${help.file}\``)
  if (help.unverified) parts.push(`**${UNVERIFIED_NOTE}**`)
  return parts.join('\n\n')
}
