/*
 * Warming V8's optimising compiler in an idle worker. V8 optimises a function once it has run
 * for a while, and a keystroke runs the compiler and the boot once: a worker's first hundred or
 * so keystrokes ran on cold code (in Chromium lab 5's grade took 20-26 ms of the worker per key
 * where the same work warm takes about half). So once the learner edits (a request for the same
 * policy file with other text: opening, reloading and navigating do not count), a worker repeats
 * that request's work while idle, `runs` times over its life, one run per task: a new request
 * cancels the rest and waits for at most one run; nothing a run computes is kept; a request that
 * took long (a big machine, a policy stopped by its budget) is not repeated.
 */

/** The policy a request is about: its file and its text. */
export interface EditedFile {
  path: string
  text: string
}

/** True when `next` is an edit of `previous`: the same file, other text. */
export const isEdit = (previous: EditedFile | undefined, next: EditedFile): boolean => !!previous && previous.path === next.path && previous.text !== next.text

export interface WarmUpOptions {
  /** Runs over the worker's life. */
  runs: number
  /** A request that took longer than this is not repeated. */
  maxMs: number
  /** setTimeout and clearTimeout (tests pass fakes). */
  schedule?: (run: () => void) => unknown
  cancel?: (handle: unknown) => void
}

export const WARM_UP: WarmUpOptions = { runs: 60, maxMs: 40 }

export class WarmUp {
  private left: number
  private pending: unknown
  private readonly schedule: (run: () => void) => unknown
  private readonly cancel: (handle: unknown) => void

  constructor(private readonly options: WarmUpOptions = WARM_UP) {
    this.left = options.runs
    this.schedule = options.schedule ?? ((run) => setTimeout(run, 0))
    this.cancel = options.cancel ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>))
  }

  /** A request arrived: any warm-up still to come yields to it. */
  stop(): void {
    if (this.pending !== undefined) this.cancel(this.pending)
    this.pending = undefined
  }

  /** A request was answered in `tookMs`: repeat `work` while idle, one run per task, until the runs are spent. */
  after(work: () => void, tookMs: number): void {
    this.stop()
    if (tookMs > this.options.maxMs) return
    const next = () => {
      if (this.left <= 0) return
      this.pending = this.schedule(() => {
        this.pending = undefined
        this.left--
        try {
          work()
        } catch {
          // The request itself has answered; a run has nothing to report.
          return
        }
        next()
      })
    }
    next()
  }
}
