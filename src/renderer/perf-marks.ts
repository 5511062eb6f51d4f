/*
 * Performance marks for "keystroke → updated verdict, console and map" (issue 6):
 * one when the learner's edit reaches the store, one on the frame after the boot
 * of the current text has been put on the page. The e2e suite pairs them; the
 * browser's performance tools show them too.
 */
export const EDIT_MARK = 'bootlab:edit'
export const PAINTED_MARK = 'bootlab:painted'
/** The workbench's shell (toolbar, panes, loading notes) is on screen; Monaco and the C grammar load behind it. */
export const SHELL_MARK = 'bootlab:shell-painted'

export function markEdit(): void {
  performance.mark(EDIT_MARK)
}

/** Called after Vue has patched the DOM for a fresh outcome; the mark lands when the next frame starts. */
export function markPaintedNextFrame(): void {
  requestAnimationFrame(() => performance.mark(PAINTED_MARK))
}

/** Called once the app is mounted: the mark lands on the frame that shows the shell. */
export function markShellPaintedNextFrame(): void {
  requestAnimationFrame(() => performance.mark(SHELL_MARK))
}
