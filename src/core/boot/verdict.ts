/*
 * The verdict and its cause chain, in plain words, built only from what the boot
 * recorded: halts (panic), faults (broken invariants), WARN splats and the
 * callers whose set_memory_decrypted() did not come back clean. Nothing here
 * knows which policy ran.
 */
import type { Kernel } from '../kernel/kernel'
import type { CallerRecord, Verdict } from '../result'

function callerCause(c: CallerRecord): string {
  return `${c.caller} — ${c.fn}() in ${c.window} on CPU${c.cpu}: ${c.note ?? c.outcome}`
}

export function verdictOf(k: Kernel): Verdict {
  const troubled = k.calls.filter((c) => c.outcome === 'error' || c.outcome === 'warn')
  const causes = [...troubled.map(callerCause), ...k.faults.filter((f) => f.kind !== 'panic').map((f) => f.message)]
  if (k.halted) {
    return { status: 'failed', headline: `${k.hung ? 'Boot hung' : 'Kernel panic'}: ${k.halted} (in ${k.reached})`, causes: [...causes, ...k.faults.filter((f) => f.kind === 'panic').map((f) => f.message)] }
  }
  if (!k.userspace) {
    return { status: 'failed', headline: `The boot stopped in ${k.reached} without reaching userspace`, causes }
  }
  const warns = k.report.splats.filter((s) => s.kind === 'warn').length
  if (warns > 0 || causes.length > 0) {
    const parts = [warns ? `${warns} WARN splat${warns > 1 ? 's' : ''}` : '', k.faults.length ? `${k.faults.length} broken invariant${k.faults.length > 1 ? 's' : ''}` : '']
    return { status: 'booted-with-warnings', headline: `Reached userspace with ${parts.filter(Boolean).join(' and ')}`, causes }
  }
  return { status: 'booted', headline: 'Reached userspace (/sbin/init) with no WARN and every shared buffer mapped correctly', causes: [] }
}
