/*
 * Monaco, loaded through the entry points monaco-editor 0.57 exports: the bare
 * editor, every editor feature (suggest, find, hover, folding...), the C
 * tokenizer, and its worker bundled by Vite instead of fetched from a CDN.
 * Hover text and completions for the kernel helpers a policy may call are
 * registered once for every C model (the editor and the read-only views).
 */
import 'monaco-editor/features/register.all'
import 'monaco-editor/languages/definitions/cpp/register'
import * as monaco from 'monaco-editor/editor'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import { helpMarkdown, KERNEL_HELP, type KernelHelp } from './kernel-help'

self.MonacoEnvironment = { getWorker: () => new EditorWorker() }

// vs and vs-dark, with comments dark enough (light) or bright enough (dark) for WCAG AA: vs-dark's
// #608b4e comments are 4.2:1 on its background; policies are mostly comments.
monaco.editor.defineTheme('bootlab-light', { base: 'vs', inherit: true, rules: [{ token: 'comment', foreground: '1d7a1d' }], colors: {} })
monaco.editor.defineTheme('bootlab-dark', { base: 'vs-dark', inherit: true, rules: [{ token: 'comment', foreground: '7ca668' }], colors: {} })

monaco.languages.registerHoverProvider('c', {
  provideHover(model, position) {
    const word = model.getWordAtPosition(position)
    const help = word && KERNEL_HELP.get(word.word)
    if (!word || !help) return null
    return {
      range: new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn),
      contents: [{ value: helpMarkdown(help) }],
    }
  },
})

const COMPLETION_KIND: Record<KernelHelp['kind'], monaco.languages.CompletionItemKind> = {
  function: monaco.languages.CompletionItemKind.Function,
  constant: monaco.languages.CompletionItemKind.Constant,
  object: monaco.languages.CompletionItemKind.Variable,
}

monaco.languages.registerCompletionItemProvider('c', {
  provideCompletionItems(model, position) {
    const word = model.getWordUntilPosition(position)
    const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn)
    const suggestions = [...KERNEL_HELP.values()].map((help): monaco.languages.CompletionItem => ({
      label: help.name,
      kind: COMPLETION_KIND[help.kind],
      detail: help.unverified ? `${help.signature} · unverified` : help.signature,
      documentation: { value: helpMarkdown(help) },
      // A call gets its parentheses, with the cursor inside when it takes arguments.
      insertText: help.kind === 'function' ? (help.arity === 0 ? `${help.name}()` : `${help.name}($0)`) : help.name,
      insertTextRules: help.kind === 'function' ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
      range,
    }))
    return { suggestions }
  },
})

export { monaco }
