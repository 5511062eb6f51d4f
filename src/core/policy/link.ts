/*
 * Overlay a learner's program on the base kernel program. A name the overlay
 * defines (function, global or #define) replaces every base item of that name;
 * everything else comes from the base. Base items keep their order, with
 * same-kind replacements in place, so a link is deterministic.
 */
import type { Program } from './ast'

function overlayItems<T extends { name: string }>(base: T[], overlay: T[], taken: ReadonlySet<string>): T[] {
  const own = new Set(overlay.map((x) => x.name))
  const merged = new Map<string, T>()
  for (const x of base) if (!taken.has(x.name) || own.has(x.name)) merged.set(x.name, x)
  for (const x of overlay) merged.set(x.name, x)
  return [...merged.values()]
}

export function linkPolicy(base: Program, overlay: Program): Program {
  const taken = new Set([...overlay.functions, ...overlay.globals, ...overlay.defines].map((x) => x.name))
  return {
    functions: overlayItems(base.functions, overlay.functions, taken),
    globals: overlayItems(base.globals, overlay.globals, taken),
    defines: overlayItems(base.defines, overlay.defines, taken),
    externs: [...base.externs, ...overlay.externs],
    // Registrations of both files; one per level and function (an overlay's function of the same name runs).
    initcalls: [...(base.initcalls ?? []), ...(overlay.initcalls ?? [])].filter(
      (c, i, all) => all.findIndex((d) => d.level === c.level && d.fn === c.fn) === i,
    ),
  }
}
