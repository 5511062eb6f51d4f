/*
 * Performance marks for "keystroke → painted verdict" (issues 6 and 16): one when the
 * learner's edit reaches the store, one on the frame after the boot of the current text
 * has been put on the page, and one on the frame after a lab's goals were re-graded for
 * it. The e2e suite pairs them (test/e2e/keystroke-latency.test.ts writes the figures to
 * test/artifacts/ for `npm run bench`); the browser's performance tools show them too.
 */
import { nextTick } from 'vue'

export const EDIT_MARK = 'bootlab:edit'
export const PAINTED_MARK = 'bootlab:painted'
export const GRADED_MARK = 'bootlab:graded'
/** The workbench's shell (toolbar, panes, loading notes) is on screen; Monaco and the C grammar load behind it. */
export const SHELL_MARK = 'bootlab:shell-painted'

export function markEdit(): void {
  performance.mark(EDIT_MARK)
}

/** Called after Vue has patched the DOM for a fresh outcome; the mark lands when the next frame starts. */
export function markPaintedNextFrame(): void {
  requestAnimationFrame(() => performance.mark(PAINTED_MARK))
}

/** Called when a lab's grade for the current text arrives: marks the frame after Vue has drawn the goals. */
export function markGradedNextFrame(): void {
  // Stores also run under Node in the unit tests, where there are no frames.
  if (typeof requestAnimationFrame !== 'function') return
  void nextTick(() => requestAnimationFrame(() => performance.mark(GRADED_MARK)))
}

/** Called once the app is mounted: the mark lands on the frame that shows the shell. */
export function markShellPaintedNextFrame(): void {
  requestAnimationFrame(() => performance.mark(SHELL_MARK))
}
