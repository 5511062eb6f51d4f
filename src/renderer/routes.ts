/*
 * The workbench's place as a hash route, so Back/Forward move between labs and
 * views and a reload (or a bookmark) reopens them; hash routes work the same in
 * Electron (app://bootlab) and in web mode. Pure: parsed and formatted here,
 * applied by route-sync.ts.
 *
 *   #/kernel/unpatched.c/map?machine=realm.yaml&step=12   a bundled kernel state in the free workbench
 *   #/lab/05-move-swiotlb/console?step=20                  a lab (on its first machine;
 *                                                         another: ?machine=realm-mixed.yaml)
 *   #/compare                                             the compare view (over whatever is open)
 *   #/share/<lz-string>                                   a shared policy and machine (share-link.ts)
 */
import { STORAGE_KEY_PATTERN } from '../shared/bootlab-api'

export const VIEW_TABS = ['console', 'map', 'ptdump', 'scenario', 'kernel-states', 'debug', 'solution'] as const
export type ViewTab = (typeof VIEW_TABS)[number]

export type Route =
  | { kind: 'kernel'; policy: string; machine?: string; tab?: ViewTab; step?: number }
  | { kind: 'lab'; lab: string; machine?: string; tab?: ViewTab; step?: number }
  | { kind: 'compare' }
  | { kind: 'share'; payload: string }
  | { kind: 'home' }

const POLICY_PATH = /^[A-Za-z0-9._-]{1,80}\.c$/
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
    case 'compare':
      return { kind: 'compare' }
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
      return '#/compare'
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

/** Two routes differ by more than the scrubbed step: a new history entry, not a replacement. */
export function sameExceptStep(a: Route, b: Route): boolean {
  const strip = (r: Route) => formatRoute({ ...r, ...('step' in r && { step: undefined }) } as Route)
  return strip(a) === strip(b)
}
