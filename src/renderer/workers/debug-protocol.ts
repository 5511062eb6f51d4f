/*
 * Messages between the debug store and the debug worker, which holds one
 * DebugSession (src/core/debug) for the debug boot in progress. `start`
 * records the boot with the breakpoints and stops at the first hit; `move`
 * steps from the current stop; answers are whole stops (plain data).
 */
import type { Breakpoint, LogMessage, SourceBreakpoint, Stop } from '../../core/debug'
import type { BootInput } from './boot-protocol'

export type DebugMove = 'continue' | 'stepOver' | 'stepIn' | 'stepOut' | 'stepBack' | 'reverseContinue' | 'goto'

export type DebugRequest =
  | ({ kind: 'start'; breakpoints: SourceBreakpoint[]; watches: string[] } & BootInput)
  | { kind: 'move'; move: DebugMove; index?: number }
  | { kind: 'watches'; watches: string[] }

export type DebugAnswer =
  | { kind: 'stopped'; stop: Stop; total: number; breakpoints: Breakpoint[]; logs: LogMessage[]; verdict: string }
  | { kind: 'failed'; message: string }
