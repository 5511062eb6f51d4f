/*
 * Printing a report (to paper, or to PDF from the print dialog): the report's
 * HTML goes into a hidden frame sandboxed without scripts, and the page asks
 * that frame to print. srcdoc keeps it inside the page's CSP (no blob: frames).
 */
export function printHtml(html: string): void {
  const frame = document.createElement('iframe')
  // Same origin lets the page call print() on the frame; without allow-scripts nothing in it runs.
  frame.setAttribute('sandbox', 'allow-same-origin allow-modals')
  frame.setAttribute('aria-hidden', 'true')
  frame.dataset.testid = 'print-frame'
  Object.assign(frame.style, { position: 'fixed', width: '0', height: '0', border: '0', right: '0', bottom: '0' })
  frame.addEventListener('load', () => {
    frame.contentWindow?.print()
    // print() returns once the dialog closes; the frame has done its job.
    setTimeout(() => frame.remove(), 1000)
  })
  frame.srcdoc = html
  document.body.append(frame)
}
