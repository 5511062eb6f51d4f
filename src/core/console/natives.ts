/*
 * printk and the WARN/BUG family as a policy calls them (include/asm-generic/bug.h,
 * include/linux/printk.h). A WARN fires at the policy's call site (file:line)
 * inside the innermost policy function, kept in the BootResult; the console
 * prints the kernel file and line of that function (console/symbols.ts).
 * WARN_ON_ONCE once per site per boot.
 * Each returns its condition, so `if (WARN_ON(x)) return -EBUSY;` works as in C.
 */
import type { Kernel } from '../kernel/kernel'
import { type NativeRow, truth } from '../kernel/native-row'
import type { CValue, NativeContext } from '../policy/value'
import { formatPrintk, formatSteps } from './format'
import { kernelPlace } from './symbols'

const BUG_H = 'include/asm-generic/bug.h'

/** Format a message and charge the policy's budget for it, as one statement per 16 characters scanned or printed. */
function message(ctx: NativeContext, fmt: CValue, args: CValue[]): string {
  const f = formatPrintk(String(fmt), args)
  ctx.charge(formatSteps(f))
  return f.text
}

/** The WARN site: the policy line that called the macro, in its enclosing policy function. */
function policySite(ctx: NativeContext) {
  const pos = ctx.callSite()
  const frames = ctx.stack()
  const fn = [...frames].reverse().find((f) => f.origin === 'policy')?.fn ?? 'policy'
  return { fn, file: pos?.file ?? 'policy', line: pos?.line ?? 0, origin: 'policy' as const }
}

function fire(k: Kernel, ctx: NativeContext, cond: CValue, once: boolean, message?: string): bigint {
  if (!truth(cond)) return 0n
  const site = policySite(ctx)
  // The WARN macro is not a frame of its own: drop the native frame of WARN_ON itself.
  const printed = once ? k.warnOnce(site, message, 1) : (k.warn(site, message, 1), true)
  if (printed) k.probe?.warnSites.push(`${site.fn} (${site.file}:${site.line})`)
  return 1n
}

const printkRow = (name: string, level: 'info' | 'warn' | 'err' | 'notice'): NativeRow => ({
  name,
  arity: { min: 1 },
  params: 's',
  file: 'include/linux/printk.h',
  doc: `${name}(fmt, ...): print to the kernel log at ${level} level.`,
  impl: (k, ctx, [fmt, ...rest]) => k.pr(level, message(ctx, fmt, rest)),
})

export const CONSOLE_NATIVES: NativeRow[] = [
  printkRow('pr_info', 'info'),
  printkRow('pr_notice', 'notice'),
  printkRow('pr_warn', 'warn'),
  printkRow('pr_err', 'err'),
  printkRow('printk', 'info'),
  {
    name: 'WARN_ON',
    params: 'a',
    arity: 1,
    file: BUG_H,
    doc: 'WARN_ON(cond): if cond, print a WARNING splat with a call trace; boot goes on. Returns cond.',
    impl: (k, ctx, [cond]) => fire(k, ctx, cond, false),
  },
  {
    name: 'WARN_ON_ONCE',
    params: 'a',
    arity: 1,
    file: BUG_H,
    doc: 'WARN_ON_ONCE(cond): as WARN_ON, but prints only the first time this site fires in a boot. Returns cond.',
    impl: (k, ctx, [cond]) => fire(k, ctx, cond, true),
  },
  {
    name: 'WARN',
    params: 'as',
    arity: { min: 2 },
    file: BUG_H,
    doc: 'WARN(cond, fmt, ...): WARN_ON with a message line. Returns cond.',
    impl: (k, ctx, [cond, fmt, ...rest]) => fire(k, ctx, cond, false, truth(cond) ? message(ctx, fmt, rest) : undefined),
  },
  {
    name: 'WARN_ONCE',
    params: 'as',
    arity: { min: 2 },
    file: BUG_H,
    doc: 'WARN_ONCE(cond, fmt, ...): WARN, once per site per boot. Returns cond.',
    impl: (k, ctx, [cond, fmt, ...rest]) => fire(k, ctx, cond, true, truth(cond) ? message(ctx, fmt, rest) : undefined),
  },
  {
    name: 'BUG_ON',
    params: 'a',
    arity: 1,
    file: BUG_H,
    doc: 'BUG_ON(cond): if cond, the kernel cannot go on: panic.',
    impl: (k, ctx, [cond]) => {
      if (!truth(cond)) return
      const site = policySite(ctx)
      const at = kernelPlace(site.fn, site.line, k.interp.functionInfo(site.fn)?.line)
      k.pr('emerg', `kernel BUG at ${at.file}:${at.line}!`)
      k.fault({ kind: 'panic', message: `BUG_ON() at ${site.file}:${site.line}` })
      k.panic('Oops - BUG: Fatal exception')
    },
  },
  {
    name: 'panic',
    params: 's',
    arity: { min: 1 },
    file: 'kernel/panic.c',
    doc: 'panic(fmt, ...): stop the boot with a message (e.g. to refuse an unsafe configuration).',
    impl: (k, ctx, [fmt, ...rest]) => {
      const text = message(ctx, fmt, rest)
      k.fault({ kind: 'panic', message: `panic(): ${text}` })
      k.panic(text)
    },
  },
]
