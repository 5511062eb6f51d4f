/*
 * A modal dialog keeps the keyboard inside it (the WAI-ARIA dialog pattern): Tab from its
 * last control goes to its first, Shift+Tab from its first to its last, and a Tab while the
 * focus is elsewhere (the dialog itself) enters it. Bound to the dialog's keydown.
 */
const FOCUSABLE = 'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

export function trapTab(event: KeyboardEvent, dialog: HTMLElement | undefined): void {
  if (event.key !== 'Tab' || !dialog) return
  const controls = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)]
  const first = controls[0]
  const last = controls[controls.length - 1]
  const at = document.activeElement
  const inside = controls.includes(at as HTMLElement)
  if (!first) event.preventDefault()
  else if (event.shiftKey && (at === first || !inside)) {
    event.preventDefault()
    last.focus()
  } else if (!event.shiftKey && (at === last || !inside)) {
    event.preventDefault()
    first.focus()
  }
}
