/*
 * The page's side of a boot worker. At most one request is in the worker;
 * while it runs, newer requests replace each other, so a burst of keystrokes
 * costs one extra boot, not one per key (latest wins). A superseded request
 * resolves to null, and so does a response that arrives after a newer request
 * was made. The same client serves both jobs: boots, and lab grades (a second worker).
 *
 * Reliability: a worker that does not answer within the time limit (a policy
 * the step budget cannot stop, a boot that exhausts the worker's memory and
 * kills it) is terminated and replaced by a fresh one, and the request resolves
 * to a Crashed outcome with `limit: 'time'` naming the limit. A policy the
 * step budget stops is not a crash: its boot answers normally, with the
 * budget error at the learner's line. A worker that reports an error outside a
 * request (failed to load, died) is replaced too.
 */
import type { BootInput, BootOutcome, Crashed } from './workers/boot-protocol'

/** What BootClient needs of a Worker (tests pass a fake). */
export interface BootPort<Input = BootInput, Outcome = BootOutcome> {
  postMessage(request: Input & { id: number }): void
  addEventListener(type: 'message', listener: (event: MessageEvent<Outcome & { id: number }>) => void): void
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void
  /** Worker.terminate(): stop a worker that will not answer. */
  terminate?(): void
}

export interface BootClientOptions<Input, Outcome> {
  /** A fresh worker, for when the current one is stuck or dead. Without it the client keeps its one worker. */
  restart?: () => BootPort<Input, Outcome>
  /** A request unanswered after this long stops its worker (default DEFAULT_TIME_LIMIT_MS; only with `restart`). */
  timeLimitMs?: number
}

/**
 * Far above any boot the step budget allows (the largest machine's budget runs out in about
 * a second), so only a runaway the budget cannot see, or a dead worker, reaches it.
 */
export const DEFAULT_TIME_LIMIT_MS = 15_000

interface Waiting<Input, Outcome> {
  request: Input & { id: number }
  resolve: (outcome: Outcome | Crashed | null) => void
}

export class BootClient<Input = BootInput, Outcome = BootOutcome> {
  private nextId = 1
  private inFlight: Waiting<Input, Outcome> | null = null
  private queued: Waiting<Input, Outcome> | null = null
  private port!: BootPort<Input, Outcome>
  private timer: ReturnType<typeof setTimeout> | undefined
  /** Workers replaced so far (stuck past the limit, or failed). */
  restarts = 0

  constructor(
    port: BootPort<Input, Outcome>,
    private readonly options: BootClientOptions<Input, Outcome> = {},
  ) {
    this.attach(port)
  }

  private attach(port: BootPort<Input, Outcome>): void {
    this.port = port
    port.addEventListener('message', (event) => {
      if (this.port === port) this.settle(event.data)
    })
    // A worker that fails to load or throws outside a request would otherwise leave the boot pending forever.
    port.addEventListener('error', (event) => {
      if (this.port !== port) return
      const id = this.inFlight?.request.id
      this.replaceWorker()
      if (id !== undefined) this.settle({ kind: 'crashed', message: event.message, id })
    })
  }

  /** Stop the current worker and start a fresh one (when the client can make one). */
  private replaceWorker(): void {
    if (!this.options.restart) return
    this.port.terminate?.()
    this.restarts++
    this.attach(this.options.restart())
  }

  run(input: Input): Promise<Outcome | Crashed | null> {
    return new Promise((resolve) => {
      const waiting = { request: { ...input, id: this.nextId++ }, resolve }
      this.queued?.resolve(null)
      this.queued = waiting
      if (!this.inFlight) this.sendQueued()
    })
  }

  private sendQueued(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.inFlight = this.queued
    this.queued = null
    if (!this.inFlight) return
    const id = this.inFlight.request.id
    try {
      this.port.postMessage(this.inFlight.request)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      this.settle({ kind: 'crashed', message, id })
      return
    }
    if (this.options.restart) {
      const limit = this.options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS
      this.timer = setTimeout(() => this.timedOut(id, limit), limit)
    }
  }

  private timedOut(id: number, limit: number): void {
    if (this.inFlight?.request.id !== id) return
    this.replaceWorker()
    this.settle({
      kind: 'crashed',
      limit: 'time',
      message: `The boot did not finish within the time limit (${limit / 1000} s) and was stopped; the worker was restarted. Does the policy loop where the step budget cannot see it, or use too much memory?`,
      id,
    })
  }

  private settle(response: (Outcome | Crashed) & { id: number }): void {
    if (!this.inFlight || response.id !== this.inFlight.request.id) return
    this.inFlight.resolve(this.queued ? null : response)
    this.sendQueued()
  }
}
