/*
 * What a Copy button does: write a text to the clipboard and say on the button, for a moment,
 * whether it went. The clipboard can refuse (an insecure origin, a denied permission, no
 * clipboard at all), and a button that says nothing then leaves the learner pasting nothing.
 */
import { onBeforeUnmount, ref } from 'vue'

export type CopySaid = '' | 'Copied' | 'Copy failed'

/** How long the button says what happened before it reads "Copy" again. */
const SAID_MS = 1500

export function useCopyText(clipboard: () => Pick<Clipboard, 'writeText'> | undefined = () => navigator.clipboard) {
  const said = ref<CopySaid>('')
  let timer: ReturnType<typeof setTimeout> | undefined
  async function copy(text: string): Promise<void> {
    try {
      const board = clipboard()
      if (!board) throw new Error('no clipboard')
      await board.writeText(text)
      said.value = 'Copied'
    } catch {
      said.value = 'Copy failed'
    }
    clearTimeout(timer)
    timer = setTimeout(() => (said.value = ''), SAID_MS)
  }
  onBeforeUnmount(() => clearTimeout(timer))
  return { said, copy }
}
