export const ELECTRON_MISSING_MESSAGE: string
export function findElectronBinary(root: string): string | null
