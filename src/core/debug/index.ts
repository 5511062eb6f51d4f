/*
 * The policy debugger (breakpoints, stepping, time travel by deterministic
 * replay): one engine for the app, `bootlab dap` and `bootlab boot --break`.
 */
export { DebugSession, type Breakpoint, type DebugState, type DebugTarget, type LogMessage, type MachineState, type Recording, type SourceBreakpoint, type StackFrame, type Stop, type StopReason, type Watch } from './session'
export { parseExpression } from './expression'
export { handleType, type Variable } from './values'
