/*
 * The page's side of a boot worker. At most one request is in the worker;
 * while it runs, newer requests replace each other, so a burst of keystrokes
 * costs one extra boot, not one per key. A superseded request resolves to
 * null, and so does a response that arrives after a newer request was made.
 * The same client serves both jobs: boots, and lab grades (a second worker).
 */
import type { BootInput, BootOutcome, Crashed } from './workers/boot-protocol'

/** What BootClient needs of a Worker (tests pass a fake). */
export interface BootPort<Input = BootInput, Outcome = BootOutcome> {
  postMessage(request: Input & { id: number }): void
  addEventListener(type: 'message', listener: (event: MessageEvent<Outcome & { id: number }>) => void): void
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void
}

interface Waiting<Input, Outcome> {
  request: Input & { id: number }
  resolve: (outcome: Outcome | Crashed | null) => void
}

export class BootClient<Input = BootInput, Outcome = BootOutcome> {
  private nextId = 1
  private inFlight: Waiting<Input, Outcome> | null = null
  private queued: Waiting<Input, Outcome> | null = null

  constructor(private readonly port: BootPort<Input, Outcome>) {
    port.addEventListener('message', (event) => this.settle(event.data))
    // A worker that fails to load or throws outside a request would otherwise leave the boot pending forever.
    port.addEventListener('error', (event) => {
      if (this.inFlight) this.settle({ kind: 'crashed', message: event.message, id: this.inFlight.request.id })
    })
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
    this.inFlight = this.queued
    this.queued = null
    if (!this.inFlight) return
    try {
      this.port.postMessage(this.inFlight.request)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      this.settle({ kind: 'crashed', message, id: this.inFlight.request.id })
    }
  }

  private settle(response: (Outcome | Crashed) & { id: number }): void {
    if (!this.inFlight || response.id !== this.inFlight.request.id) return
    this.inFlight.resolve(this.queued ? null : response)
    this.sendQueued()
  }
}
