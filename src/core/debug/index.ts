/*
 * The policy debugger (breakpoints, stepping, time travel by deterministic
 * replay): one engine for the app, `bootlab dap` and `bootlab boot --break`.
 */
export { DebugSession, type DebugTarget, type Stop, type StopReason } from './session'
export type { Breakpoint, SourceBreakpoint } from './breakpoints'
export type { LogMessage, Recording } from './run'
export type { DebugState, MachineState, StackFrame, Watch } from './state'
export { parseExpression } from './expression'
export { handleType, type Variable } from './values'
