/*
 * A lab id typed by hand (a link, `bootlab boot --lab`), matched against the labs there are:
 * the "did you mean" the app and the command line both give.
 */
import { closestName } from '../core/policy/suggest'

/**
 * The lab a mistyped id was probably meant for: the nearest by spelling (as everywhere), else
 * the one lab whose id, or whose name after its number, starts with what was typed
 * (`05-move`, `05`, `move-swiotlb`); none when that is not one lab.
 */
export function closestLabId(typed: string, ids: readonly string[]): string | undefined {
  const near = closestName(typed, ids)
  if (near) return near
  const start = typed.toLowerCase()
  const starting = ids.filter((id) => id !== typed && (id.startsWith(start) || id.replace(/^\d+-/, '').startsWith(start)))
  return start && starting.length === 1 ? starting[0] : undefined
}
