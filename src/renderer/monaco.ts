/*
 * Monaco, loaded through the entry points monaco-editor 0.57 exports: the bare
 * editor, every editor feature (suggest, find, hover, folding...), the C
 * tokenizer, and its worker bundled by Vite instead of fetched from a CDN.
 */
import 'monaco-editor/features/register.all'
import 'monaco-editor/languages/definitions/cpp/register'
import * as monaco from 'monaco-editor/editor'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'

self.MonacoEnvironment = { getWorker: () => new EditorWorker() }

export { monaco }
