/*
 * The workbench's place as a hash route, so Back/Forward move between labs and
 * views and a reload (or a bookmark) reopens them; hash routes work the same in
 * Electron (app://bootlab) and in web mode. Pure: parsed and formatted here,
 * applied by route-sync.ts.
 *
 *   #/kernel/unpatched.c/map?machine=realm.yaml&step=12   a bundled kernel state in the free workbench
 *   #/lab/05-move-swiotlb/console?step=20                  a lab (on its first machine;
 *                                                         another: ?machine=realm-mixed.yaml)
 *   #/compare/lab/05-move-swiotlb?left=start.c&right=editor
 *                                                         the compare view over a lab (or a kernel state:
 *                                                         #/compare/kernel/unpatched.c; a shared session:
 *                                                         #/compare/share/<lz-string>), with its two sides;
 *                                                         a side on another machine: &leftMachine=realm-mixed.yaml
 *   #/compare                                             the compare view over whatever is open
 *   #/share/<lz-string>                                   a shared policy and machine (share-link.ts)
 */
import { STORAGE_KEY_PATTERN } from '../shared/bootlab-api'

export const VIEW_TABS = ['console', 'map', 'ptdump', 'scenario', 'kernel-states', 'debug', 'solution'] as const
export type ViewTab = (typeof VIEW_TABS)[number]

/** A side of the compare view: 'editor', 'previous' or a kernel state's file; its machine when not the workbench's. */
export interface CompareSideRoute {
  policy: string
  machine?: string
}

/** What a compare view compares in: a lab, a kernel state in the free workbench, or a shared session. */
export type CompareOver = { kind: 'lab'; lab: string } | { kind: 'kernel'; policy: string } | { kind: 'share'; payload: string }

export type Route =
  | { kind: 'kernel'; policy: string; machine?: string; tab?: ViewTab; step?: number }
  | { kind: 'lab'; lab: string; machine?: string; tab?: ViewTab; step?: number }
  | {
      kind: 'compare'
      /** What the compare view opened over; none: whatever is open. */
      over?: CompareOver
      machine?: string
      left?: CompareSideRoute
      right?: CompareSideRoute
    }
  | { kind: 'share'; payload: string }
  | { kind: 'home' }

const POLICY_PATH = /^[A-Za-z0-9._-]{1,80}\.c$/
/** A compare side's policy: the editor's text, the previous boot, or a kernel state's file. */
const SIDE_POLICY = /^(editor|previous|[A-Za-z0-9._-]{1,80}\.c)$/
const MACHINE_PATH = /^[A-Za-z0-9._-]{1,120}\.(ya?ml|json)$/

const isTab = (t: string | undefined): t is ViewTab => (VIEW_TABS as readonly string[]).includes(t ?? '')

function stepOf(query: URLSearchParams): number | undefined {
  const raw = query.get('step')
  return raw !== null && /^\d{1,5}$/.test(raw) ? Number(raw) : undefined
}

/** The route a location hash names; anything unknown or malformed is home (never an exception). */
export function parseRoute(hash: string): Route {
  const [path, search = ''] = hash.replace(/^#\/?/, '').split('?', 2)
  const parts = path.split('/')
  const query = new URLSearchParams(search)
  let decoded: string[]
  try {
    decoded = parts.map((p) => decodeURIComponent(p))
  } catch {
    return { kind: 'home' }
  }
  const [head, name, tab] = decoded
  // What a lab and a kernel state's routes both carry: the machine, the view, the scrubbed step.
  const machine = query.get('machine') ?? undefined
  const view = {
    ...(machine && MACHINE_PATH.test(machine) && { machine }),
    ...(isTab(tab) && { tab }),
    ...(stepOf(query) !== undefined && { step: stepOf(query) }),
  }
  switch (head) {
    case 'lab':
      return name && STORAGE_KEY_PATTERN.test(name) ? { kind: 'lab', lab: name, ...view } : { kind: 'home' }
    case 'kernel':
      return name && POLICY_PATH.test(name) ? { kind: 'kernel', policy: name, ...view } : { kind: 'home' }
    case 'compare': {
      const side = (key: 'left' | 'right'): CompareSideRoute | undefined => {
        const policy = query.get(key)
        if (!policy || !SIDE_POLICY.test(policy)) return undefined
        const on = query.get(`${key}Machine`)
        return { policy, ...(on && MACHINE_PATH.test(on) && { machine: on }) }
      }
      const [, overKind, overName] = decoded
      const over: CompareOver | undefined =
        overKind === 'lab' && overName && STORAGE_KEY_PATTERN.test(overName)
          ? { kind: 'lab', lab: overName }
          : overKind === 'kernel' && overName && POLICY_PATH.test(overName)
            ? { kind: 'kernel', policy: overName }
            : overKind === 'share' && parts[2]
              ? { kind: 'share', payload: parts.slice(2).join('/') }
              : undefined
      const [left, right] = [side('left'), side('right')]
      // Sides are named only over a lab or kernel state (what they are files of); without one, whatever is open decides.
      return over ? { kind: 'compare', over, ...(view.machine && { machine: view.machine }), ...(left && right && { left, right }) } : { kind: 'compare' }
    }
    case 'share':
      // The payload is lz-string's URI-safe alphabet; share-link.ts decodes and checks it.
      return { kind: 'share', payload: parts.slice(1).join('/') }
    default:
      return { kind: 'home' }
  }
}

export function formatRoute(route: Route): string {
  switch (route.kind) {
    case 'home':
      return '#/'
    case 'compare':
      return compareHash(route)
    case 'share':
      return `#/share/${route.payload}`
    case 'lab':
      return viewHash('lab', route.lab, route)
    case 'kernel':
      return viewHash('kernel', route.policy, route)
  }
}

/** `#/<head>/<name>[/<tab>][?machine=…&step=…]`: a lab's or a kernel state's route. */
function viewHash(head: string, name: string, route: { machine?: string; tab?: ViewTab; step?: number }): string {
  const query = new URLSearchParams()
  if (route.machine) query.set('machine', route.machine)
  if (route.step !== undefined) query.set('step', String(route.step))
  const q = query.toString()
  return `#/${head}/${encodeURIComponent(name)}${route.tab ? `/${route.tab}` : ''}${q ? `?${q}` : ''}`
}

/** `#/compare[/lab/<id>|/kernel/<file>][?machine=…&left=…&right=…]`. */
function compareHash(route: Extract<Route, { kind: 'compare' }>): string {
  if (!route.over) return '#/compare'
  const query = new URLSearchParams()
  if (route.machine) query.set('machine', route.machine)
  // Both sides or none: the view's defaults are a pair.
  if (route.left && route.right) {
    for (const [key, side] of [['left', route.left], ['right', route.right]] as const) {
      query.set(key, side.policy)
      if (side.machine) query.set(`${key}Machine`, side.machine)
    }
  }
  const over = route.over
  // A share payload is URI-safe already (lz-string's alphabet), as in the share route.
  const name = over.kind === 'lab' ? encodeURIComponent(over.lab) : over.kind === 'kernel' ? encodeURIComponent(over.policy) : over.payload
  const q = query.toString()
  return `#/compare/${over.kind}/${name}${q ? `?${q}` : ''}`
}

/**
 * Two routes name the same place, differing at most in the scrubbed step or the compare view's
 * sides: the history entry is replaced, not added to (Back leaves the view, not the last scrub or pick).
 */
export function samePlace(a: Route, b: Route): boolean {
  const strip = (r: Route) => formatRoute(r.kind === 'compare' ? { ...r, left: undefined, right: undefined } : ({ ...r, ...('step' in r && { step: undefined }) } as Route))
  return strip(a) === strip(b)
}
