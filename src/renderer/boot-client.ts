/*
 * The page's side of the boot worker. At most one request is in the worker;
 * while it runs, newer requests replace each other, so a burst of keystrokes
 * costs one extra boot, not one per key. A superseded request resolves to
 * null, and so does a response that arrives after a newer request was made.
 */
import type { BootInput, BootOutcome, BootRequest, BootResponse } from './workers/boot-protocol'

/** What BootClient needs of a Worker (tests pass a fake). */
export interface BootPort {
  postMessage(request: BootRequest): void
  addEventListener(type: 'message', listener: (event: MessageEvent<BootResponse>) => void): void
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void
}

interface Waiting {
  request: BootRequest
  resolve: (outcome: BootOutcome | null) => void
}

export class BootClient {
  private nextId = 1
  private inFlight: Waiting | null = null
  private queued: Waiting | null = null

  constructor(private readonly port: BootPort) {
    port.addEventListener('message', (event) => this.settle(event.data))
    // A worker that fails to load or throws outside a request would otherwise leave the boot pending forever.
    port.addEventListener('error', (event) => {
      if (this.inFlight) this.settle({ kind: 'crashed', message: event.message, id: this.inFlight.request.id })
    })
  }

  run(input: BootInput): Promise<BootOutcome | null> {
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

  private settle(response: BootResponse): void {
    if (!this.inFlight || response.id !== this.inFlight.request.id) return
    this.inFlight.resolve(this.queued ? null : response)
    this.sendQueued()
  }
}
