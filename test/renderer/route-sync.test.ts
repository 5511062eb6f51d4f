import { describe, expect, it } from 'vitest'
import { reactive } from 'vue'
import { installRouteSync, type RouteHost, type RouteStores } from '../../src/renderer/route-sync'
import { encodeShare } from '../../src/renderer/share-link'

/** A promise the test settles by hand, to order the route's opening against the learner's click. */
function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

/** Stores with just what route-sync reads and calls; each opening waits for the test to let it land. */
function fakeStores() {
  const pending: { policy: ReturnType<typeof deferred>; lab: ReturnType<typeof deferred> } = { policy: deferred(), lab: deferred() }
  const workbench = reactive({
    lab: null as null | { id: string; shared?: boolean; scenarios?: { path: string }[] },
    policyPath: null as string | null,
    scenarioPath: null as string | null,
    /** When set, start() waits for it (a first boot the learner can act during). */
    startGate: null as Promise<void> | null,
    async start() {
      if (this.startGate) await this.startGate
      this.policyPath = 'unpatched.c'
    },
    async selectPolicy(path: string) {
      const labBefore = labs.current
      await pending.policy.promise
      // As the store's openWaiting(): an open begun meanwhile (a lab) wins, this one gives way.
      if (labs.current !== labBefore) return
      workbench.policyPath = path
      workbench.lab = null
      labs.current = null
    },
    async selectScenario(path: string) {
      workbench.scenarioPath = path
    },
    /** As the store: a shared policy and machine in a session of their own. */
    opened: 0,
    async openShared(policy: { path: string }, scenario: { path: string }) {
      workbench.opened++
      labs.current = null
      workbench.lab = { id: 'shared', shared: true, scenarios: [{ path: scenario.path }] }
      workbench.policyPath = policy.path
      workbench.scenarioPath = scenario.path
    },
  })
  const labs = reactive({
    current: null as null | { id: string; revealAnswers: boolean },
    entries: [{ ref: { id: '01-linear-map-tour' }, lab: {} }],
    async open(id: string) {
      await pending.lab.promise
      labs.current = { id, revealAnswers: false }
      // A lab opens on its first machine.
      workbench.lab = { id, scenarios: [{ path: 'realm.yaml' }] }
      workbench.scenarioPath = 'realm.yaml'
      view.tab = 'map'
    },
    showSolution() {},
  })
  const compare = reactive({
    shown: false,
    left: { policy: 'unpatched.c', scenario: null as string | null },
    right: { policy: 'editor', scenario: null as string | null },
    /** As the store: the sides a link names, else the defaults on the workbench's machine. */
    open(named?: { left: { policy: string; machine?: string }; right: { policy: string; machine?: string } }) {
      const side = (n: { policy: string; machine?: string } | undefined, fallback: string) => ({ policy: n?.policy ?? fallback, scenario: n?.machine ?? workbench.scenarioPath })
      compare.left = side(named?.left, workbench.lab ? 'start.c' : 'unpatched.c')
      compare.right = side(named?.right, 'editor')
      compare.shown = true
    },
    close() {
      compare.shown = false
    },
  })
  const inspector = reactive({ pickedStep: null as number | null, selectStep(step: number | null) { inspector.pickedStep = step } })
  const view = reactive({ tab: 'console', linkProblem: null as string | null })
  return { stores: { workbench, labs, compare, inspector, view } as unknown as RouteStores, workbench, labs, view, inspector, pending }
}

/** Stores whose openings land at once (no race to stage). */
function openStores() {
  const s = fakeStores()
  s.pending.policy.resolve()
  s.pending.lab.resolve()
  return s
}

function fakeHost(hash: string): RouteHost & { follow(hash: string): void } {
  const listeners: (() => void)[] = []
  const host = {
    location: { hash },
    history: {
      pushState: (_s: unknown, _t: string, url?: string | URL | null) => void (host.location.hash = String(url)),
      replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void (host.location.hash = String(url)),
    },
    addEventListener(type: string, listener: () => void) {
      if (type === 'hashchange') listeners.push(listener)
    },
    /** A link followed in the same tab: the hash changes, then the hashchange event. */
    follow(next: string) {
      host.location.hash = next
      for (const l of listeners) l()
    },
  }
  return host
}

const settle = () => new Promise((r) => setTimeout(r, 0))

describe('route sync', () => {
  it('a lab opened while the reloaded route is still opening ends in the hash, whichever turn it lands in (the welcome\'s Lab 1 during a reload)', async () => {
    for (let turns = 0; turns < 12; turns++) {
      const { stores, labs, pending } = fakeStores()
      const host = fakeHost('#/kernel/unpatched.c/console?machine=realm.yaml')
      const started = installRouteSync(stores, host).start()
      // The learner clicks the welcome's start while the kernel state named by the hash is still opening…
      const opened = labs.open('01-linear-map-tour')
      // …and the lab lands some microtasks after the route's opening does.
      pending.policy.resolve()
      for (let i = 0; i < turns; i++) await Promise.resolve()
      pending.lab.resolve()
      await Promise.all([started, opened])
      await settle()
      expect(labs.current?.id).toBe('01-linear-map-tour')
      expect({ turns, hash: host.location.hash }).toEqual({ turns, hash: '#/lab/01-linear-map-tour/map' })
    }
  })

  it("a lab's machine other than its first is in the hash, and a reload opens the lab on it (the step then scrubs that boot)", async () => {
    const { stores, workbench, inspector } = openStores()
    const host = fakeHost('#/lab/01-linear-map-tour/map?machine=host.yaml&step=3')
    await installRouteSync(stores, host).start()
    await settle()
    expect(workbench.scenarioPath).toBe('host.yaml')
    expect(inspector.pickedStep).toBe(3)
    expect(host.location.hash).toBe('#/lab/01-linear-map-tour/map?machine=host.yaml&step=3')
    // Back on the lab's first machine: the hash is the lab's plain one again.
    await workbench.selectScenario('realm.yaml')
    inspector.selectStep(null)
    await settle()
    expect(host.location.hash).toBe('#/lab/01-linear-map-tour/map')
  })

  it("a reloaded kernel route's machine is not put on a lab the learner opened while the route was opening", async () => {
    const { stores, labs, workbench, pending } = fakeStores()
    const host = fakeHost('#/kernel/unpatched.c/console?machine=host.yaml')
    const started = installRouteSync(stores, host).start()
    const opened = labs.open('01-linear-map-tour')
    pending.lab.resolve()
    await opened
    pending.policy.resolve()
    await started
    await settle()
    expect(workbench.scenarioPath).toBe('realm.yaml')
    expect(host.location.hash).toBe('#/lab/01-linear-map-tour/map')
  })

  it('writes later moves into the hash, and opens what a reloaded hash names', async () => {
    const { stores, labs } = openStores()
    const host = fakeHost('#/kernel/unpatched.c/console?machine=realm.yaml')
    await installRouteSync(stores, host).start()
    expect(host.location.hash).toBe('#/kernel/unpatched.c/console?machine=realm.yaml')
    await labs.open('01-linear-map-tour')
    await settle()
    expect(host.location.hash).toBe('#/lab/01-linear-map-tour/map')
  })

  it('a link to a lab that is not here says so until the learner moves on: opens a lab, or follows another link', async () => {
    for (const moveOn of ['open', 'follow'] as const) {
      const { stores, labs, view } = openStores()
      const host = fakeHost('#/lab/99-no-such-lab/console')
      await installRouteSync(stores, host).start()
      await settle()
      expect(view.linkProblem).toBe("There is no lab '99-no-such-lab' here.")
      if (moveOn === 'open') await labs.open('01-linear-map-tour')
      else host.follow('#/lab/01-linear-map-tour/console')
      await settle()
      expect({ moveOn, lab: labs.current?.id, problem: view.linkProblem }).toEqual({ moveOn, lab: '01-linear-map-tour', problem: null })
    }
  })

  /** Route sync started on a kernel state, which has opened. */
  async function onKernelState() {
    const { stores, view, pending } = fakeStores()
    pending.policy.resolve()
    const host = fakeHost('#/kernel/unpatched.c/console?machine=realm.yaml')
    await installRouteSync(stores, host).start()
    return { view, host }
  }

  it('a bad lab link followed while a kernel state is open says so, and leaves the workbench where it was', async () => {
    const { view, host } = await onKernelState()
    host.follow('#/lab/99-no-such-lab/console')
    await settle()
    expect(view.linkProblem).toBe("There is no lab '99-no-such-lab' here.")
    expect(host.location.hash).toBe('#/kernel/unpatched.c/console?machine=realm.yaml')
  })

  it('a reload of the compare view reopens the lab it compared in, on its machine, with the same two sides', async () => {
    const { stores, labs, workbench } = openStores()
    await labs.open('01-linear-map-tour')
    const host = fakeHost('#/lab/01-linear-map-tour/map')
    await installRouteSync(stores, host).start()
    await workbench.selectScenario('host.yaml')
    stores.compare.open()
    stores.compare.left = { policy: 'series.c', scenario: 'realm.yaml' }
    await settle()
    const hash = host.location.hash
    expect(hash).toBe('#/compare/lab/01-linear-map-tour?machine=host.yaml&left=series.c&leftMachine=realm.yaml&right=editor')

    const reloaded = openStores()
    const again = fakeHost(hash)
    await installRouteSync(reloaded.stores, again).start()
    await settle()
    expect({ lab: reloaded.labs.current?.id, machine: reloaded.workbench.scenarioPath, shown: reloaded.stores.compare.shown }).toEqual({ lab: '01-linear-map-tour', machine: 'host.yaml', shown: true })
    expect([reloaded.stores.compare.left, reloaded.stores.compare.right]).toEqual([
      { policy: 'series.c', scenario: 'realm.yaml' },
      { policy: 'editor', scenario: 'host.yaml' },
    ])
    expect(again.location.hash).toBe(hash)
  })

  it("a reload of a shared session's compare view comes back to the shared policy and the sides, not to the base kernel", async () => {
    const payload = encodeShare({ policy: { path: 'start.c', text: 'void __init mem_init(void)\n{\n}\n' }, scenario: { path: 'realm.yaml', text: 'name: realm\n' } })
    const { stores, workbench } = fakeStores()
    const host = fakeHost(`#/share/${payload}`)
    await installRouteSync(stores, host).start()
    stores.compare.open()
    stores.compare.left = { policy: 'series.c', scenario: 'realm.yaml' }
    await settle()
    const hash = host.location.hash
    expect(hash).toBe(`#/compare/share/${payload}?left=series.c&right=editor`)
    expect(workbench.opened).toBe(1)

    const reloaded = fakeStores()
    const again = fakeHost(hash)
    await installRouteSync(reloaded.stores, again).start()
    await settle()
    expect({ lab: reloaded.workbench.lab?.id, policy: reloaded.workbench.policyPath, shown: reloaded.stores.compare.shown, left: reloaded.stores.compare.left.policy }).toEqual({
      lab: 'shared',
      policy: 'start.c',
      shown: true,
      left: 'series.c',
    })
    // Closing it goes back to the shared session's own route.
    reloaded.stores.compare.close()
    await settle()
    expect(again.location.hash).toBe(`#/share/${payload}`)
  })

  it('picking a side replaces the compare entry; Back from the compare view goes to the lab, not to the last pick', async () => {
    const { stores, labs } = openStores()
    await labs.open('01-linear-map-tour')
    const host = fakeHost('#/lab/01-linear-map-tour/map')
    const pushed: string[] = []
    const push = host.history.pushState
    host.history.pushState = (state, title, url) => {
      pushed.push(String(url))
      push(state, title, url)
    }
    await installRouteSync(stores, host).start()
    stores.compare.open()
    await settle()
    stores.compare.left = { policy: 'series.c', scenario: 'realm.yaml' }
    await settle()
    stores.compare.right = { policy: 'unpatched.c', scenario: 'realm.yaml' }
    await settle()
    expect(pushed).toEqual(['#/compare/lab/01-linear-map-tour?left=start.c&right=editor'])
    expect(host.location.hash).toBe('#/compare/lab/01-linear-map-tour?left=series.c&right=unpatched.c')
  })

  it("a bad link followed from the compare view says so: closing the compare view is the link's doing, not a move", async () => {
    for (const link of ['#/lab/99-no-such-lab/console', '#/share/cut-short']) {
      const { view, host } = await onKernelState()
      host.follow('#/compare')
      await settle()
      host.follow(link)
      await settle()
      expect({ link, problem: view.linkProblem }).toEqual({ link, problem: expect.stringMatching(/no lab '99-no-such-lab'|could not be opened/) })
    }
  })

  it("a lab opened while a bad link's first boot starts (the welcome's Lab 1) ends what the link said", async () => {
    const { stores, workbench, labs, view, pending } = fakeStores()
    pending.lab.resolve()
    const gate = deferred()
    workbench.startGate = gate.promise
    const host = fakeHost('#/lab/99-no-such-lab/console')
    const started = installRouteSync(stores, host).start()
    await settle()
    expect(view.linkProblem).toBe("There is no lab '99-no-such-lab' here.")
    await labs.open('01-linear-map-tour')
    gate.resolve()
    await started
    await settle()
    expect({ lab: labs.current?.id, problem: view.linkProblem, hash: host.location.hash }).toEqual({ lab: '01-linear-map-tour', problem: null, hash: '#/lab/01-linear-map-tour/map' })
  })

  it("a lab link with a slip names the lab it was probably meant for, as the command line does", async () => {
    for (const [link, said] of [
      ['#/lab/01-linear-map-toru/console', "There is no lab '01-linear-map-toru' here. Did you mean 01-linear-map-tour?"],
      ['#/lab/99-no-such-lab/console', "There is no lab '99-no-such-lab' here."],
    ]) {
      const { stores, view, pending } = fakeStores()
      pending.policy.resolve()
      await installRouteSync(stores, fakeHost(link)).start()
      await settle()
      expect(view.linkProblem).toBe(said)
    }
  })
})
