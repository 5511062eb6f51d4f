/*
 * Every argument that crosses IPC from the renderer is parsed before main acts on it, by
 * the zod schemas beside the preload contract (src/shared/ipc-schemas.ts). A refusal is an
 * InvalidArgument naming the channel and what was wrong.
 */
import { type IpcArguments, type IpcChannel, IPC_ARGUMENTS } from '../shared/ipc-schemas'

export class InvalidArgument extends Error {}

/** The channel's arguments, parsed into fresh plain values, or an InvalidArgument. */
export function ipcArguments<C extends IpcChannel>(channel: C, raw: unknown[]): IpcArguments<C> {
  const parsed = IPC_ARGUMENTS[channel].safeParse(raw)
  if (parsed.success) return parsed.data as IpcArguments<C>
  const issue = parsed.error.issues[0]
  const where = issue.path.length ? ` (argument ${issue.path.join('.')})` : ''
  throw new InvalidArgument(`${channel}: ${issue.message}${where}`)
}
