/*
 * One BootLab at a time: a second launch would open a second window on the
 * same saved policies and the two would overwrite each other's edits unseen
 * (issue 11). The first instance holds Electron's single-instance lock; a
 * second one quits at once, and the first brings its window to the front.
 * Plain functions over the few Electron calls they need, so they are tested
 * without Electron; index.ts only passes `app` and the window.
 */

/** What takeSingleInstance needs of Electron's `app`. */
export interface InstanceApp {
  requestSingleInstanceLock(): boolean
  quit(): void
  on(event: 'second-instance', listener: () => void): void
}

/** What focusWindow needs of a BrowserWindow. */
export interface FocusableWindow {
  isDestroyed(): boolean
  isMinimized(): boolean
  restore(): void
  show(): void
  focus(): void
}

/** Brings the open window to the front (restored if minimised); nothing when there is none. */
export function focusWindow(window: FocusableWindow | null): void {
  if (!window || window.isDestroyed()) return
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}

/**
 * True when this process is the one instance and should start; false when another holds the lock
 * (this one has been told to quit). The instance that holds it focuses its window on a second launch.
 */
export function takeSingleInstance(app: InstanceApp, openWindow: () => FocusableWindow | null): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return false
  }
  app.on('second-instance', () => focusWindow(openWindow()))
  return true
}
