export const ROOT: string
export const CLI_BUNDLE: string
export const CLI_BIN: string
export function ensureCliBuilt(): boolean
