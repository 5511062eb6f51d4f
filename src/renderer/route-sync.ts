/*
 * Keeps the location hash and the workbench in step (routes.ts has the format):
 * opening a lab, a kernel state, a view or the compare view pushes a history
 * entry, scrubbing replaces the current one, and Back/Forward (or an edited URL)
 * reopen what the entry names. On start the hash decides what opens, so a reload
 * comes back to the same lab, view and step.
 */
import { ref, watch } from 'vue'
import { closestLabId } from '../labs/lab-ids'
import { type CompareOver, type Route, formatRoute, parseRoute, samePlace } from './routes'
import { decodeShare } from './share-link'
import type { useBootInspectorStore } from './stores/boot-inspector'
import type { useCompareStore } from './stores/compare'
import type { useLabsStore } from './stores/labs'
import type { useViewStore } from './stores/view'
import type { useWorkbenchStore } from './stores/workbench'

export interface RouteStores {
  workbench: ReturnType<typeof useWorkbenchStore>
  labs: ReturnType<typeof useLabsStore>
  compare: ReturnType<typeof useCompareStore>
  inspector: ReturnType<typeof useBootInspectorStore>
  view: ReturnType<typeof useViewStore>
}

/** What the browser offers for routes (tests could pass a fake; the app passes window). */
export interface RouteHost {
  location: { hash: string }
  history: Pick<History, 'pushState' | 'replaceState'>
  addEventListener(type: 'popstate' | 'hashchange', listener: () => void): void
}

export function installRouteSync(stores: RouteStores, host: RouteHost): { start(): Promise<void> } {
  const { workbench, labs, compare, inspector, view } = stores
  /** A route being opened: the workbench's moves meanwhile are written once it has opened (a ref, so the watcher sees it end). */
  const applying = ref(false)
  let lastHash = host.location.hash
  /** The share payload the shared session came from: its route while it is open. */
  let sharedPayload: string | null = null

  /** The machine a lab's or a kernel state's route names: a lab's only when it is not the one it opens on. */
  function routeMachine(): string | undefined {
    if (labs.current) return workbench.scenarioPath && workbench.scenarioPath !== workbench.lab?.scenarios?.[0]?.path ? workbench.scenarioPath : undefined
    return workbench.scenarioPath ?? undefined
  }

  function current(): Route {
    if (compare.shown) return compareRoute()
    const step = inspector.pickedStep ?? undefined
    if (workbench.lab?.shared && sharedPayload) return { kind: 'share', payload: sharedPayload }
    if (labs.current) return { kind: 'lab', lab: labs.current.id, machine: routeMachine(), tab: view.tab, step }
    if (!workbench.policyPath) return { kind: 'home' }
    return { kind: 'kernel', policy: workbench.policyPath, machine: routeMachine(), tab: view.tab, step }
  }

  /** The compare view over the lab or kernel state it opened on, with its two sides (a shared session's: over whatever is open). */
  function compareRoute(): Route {
    const over: CompareOver | undefined = labs.current
      ? { kind: 'lab', lab: labs.current.id }
      : workbench.lab?.shared && sharedPayload
        ? { kind: 'share', payload: sharedPayload }
        : workbench.policyPath && !workbench.lab
          ? { kind: 'kernel', policy: workbench.policyPath }
          : undefined
    if (!over) return { kind: 'compare' }
    const side = (c: { policy: string; scenario: string | null }) => ({ policy: c.policy, ...(c.scenario && c.scenario !== workbench.scenarioPath && { machine: c.scenario }) })
    // A shared session's machine is the one the link carries.
    return { kind: 'compare', over, machine: over.kind === 'share' ? undefined : routeMachine(), left: side(compare.left), right: side(compare.right) }
  }

  /** Where the last route left the workbench: a move of the learner's own away from it ends what a bad link said. */
  let landed: string | null = null

  /** A link that opens nothing says why; the base kernel opens if nothing is open yet. */
  async function refuse(problem: string): Promise<void> {
    view.linkProblem = problem
    if (workbench.policyPath) return
    await workbench.start()
    // A lab opened while it started (the welcome's Lab 1) is the learner moving on from the link.
    if (labs.current) view.linkProblem = null
  }

  async function apply(route: Route): Promise<void> {
    applying.value = true
    // A problem with the last link is about that link: another one followed replaces it.
    view.linkProblem = null
    try {
      if (route.kind !== 'compare' && compare.shown) compare.close()
      switch (route.kind) {
        case 'compare': {
          const over = route.over
          if (over?.kind === 'lab') await openLab(over.lab, route.machine)
          else if (over?.kind === 'kernel') await openKernel(over.policy, route.machine)
          else if (over?.kind === 'share') {
            if (!(await openShare(over.payload))) return
          } else if (!workbench.policyPath) await workbench.start()
          if (over && over.kind !== 'share' && !isOpen(over)) return
          compare.open(route.left && route.right ? { left: route.left, right: route.right } : undefined)
          return
        }
        case 'share':
          await openShare(route.payload)
          return
        case 'lab':
          await openLab(route.lab, route.machine)
          break
        case 'kernel':
          await openKernel(route.policy, route.machine)
          break
        case 'home':
          if (!workbench.policyPath) await workbench.start()
          return
      }
      // The learner may have moved on while it opened (a lab picked during the first boot): then it is theirs.
      if (!isOpen(route)) return
      if (route.tab && (route.tab !== 'solution' || labs.current?.revealAnswers)) {
        if (route.tab === 'solution') labs.showSolution()
        view.tab = route.tab
      }
      inspector.selectStep(route.step ?? null)
    } finally {
      applying.value = false
      // What opened may say more than the hash did (the tab, the machine), and the learner may have moved
      // on while it opened (the welcome's Lab 1): write where the workbench is, without a new entry.
      landed = formatRoute(current())
      write(landed, true)
    }
  }

  /** Is the lab or kernel state a route names what the workbench has open? (Checked with nothing awaited before acting on it.) */
  function isOpen(at: { kind: 'lab'; lab: string } | { kind: 'kernel'; policy: string }): boolean {
    return at.kind === 'lab' ? labs.current?.id === at.lab : !workbench.lab && workbench.policyPath === at.policy
  }

  /** Open a lab, on `machine` when the route names one; a lab that is not here is refused with the nearest id. */
  async function openLab(id: string, machine: string | undefined): Promise<void> {
    if (!labs.entries.some((e) => e.ref.id === id && e.lab)) {
      const near = closestLabId(id, labs.entries.filter((e) => e.lab).map((e) => e.ref.id))
      return await refuse(`There is no lab '${id}' here.${near ? ` Did you mean ${near}?` : ''}`)
    }
    if (labs.current?.id !== id) await labs.open(id)
    // Only on what the route opened: the learner may have opened something else meanwhile.
    if (machine && labs.current?.id === id && machine !== workbench.scenarioPath) await workbench.selectScenario(machine)
  }

  /** Open a shared session from its payload; false (the link says why) when it does not decode. */
  async function openShare(payload: string): Promise<boolean> {
    // Already open (its compare view's link, followed from it): the learner's edits stay as they are.
    if (workbench.lab?.shared && sharedPayload === payload) return true
    const decoded = decodeShare(payload)
    if ('error' in decoded) {
      await refuse(`This share link could not be opened: ${decoded.error}. Your own work is untouched.`)
      return false
    }
    sharedPayload = payload
    await workbench.openShared(decoded.shared.policy, decoded.shared.scenario)
    return true
  }

  /** Open a kernel state in the free workbench, on `machine` when the route names one. */
  async function openKernel(policy: string, machine: string | undefined): Promise<void> {
    if (labs.current || workbench.lab || workbench.policyPath !== policy) await workbench.selectPolicy(policy)
    if (!workbench.policyPath) await workbench.start()
    if (machine && isOpen({ kind: 'kernel', policy }) && machine !== workbench.scenarioPath) await workbench.selectScenario(machine)
  }

  function write(hash: string, replace: boolean): void {
    if (hash === host.location.hash) return
    if (replace || samePlace(parseRoute(host.location.hash), parseRoute(hash))) host.history.replaceState(null, '', hash)
    else host.history.pushState(null, '', hash)
    lastHash = hash
  }

  async function followLocation(): Promise<void> {
    if (host.location.hash === lastHash) return
    lastHash = host.location.hash
    await apply(parseRoute(lastHash))
  }

  return {
    async start() {
      // The workbench writes its place into the hash: watched before the first route opens, so a move
      // that lands just after it (the welcome's Lab 1 clicked during a reload) is written too.
      // While a route opens the watched value is null: a move the learner made meanwhile is written
      // when it has opened, even if the place then equals one a suppressed write already saw.
      watch(
        () => (applying.value ? null : formatRoute(current())),
        (hash) => {
          if (hash === null) return
          if (landed !== null && hash !== landed) {
            view.linkProblem = null
            landed = null
          }
          write(hash, false)
        },
      )
      await apply(parseRoute(host.location.hash))
      host.addEventListener('popstate', () => void followLocation())
      host.addEventListener('hashchange', () => void followLocation())
    },
  }
}
