/*
 * The few globals every host of the pure layers provides (browsers, their workers, Node) that
 * lib ES2022 does not declare. Only the pure layers' tsconfig.json files include this file; the
 * hosts get the full declarations from lib.dom or @types/node.
 */
declare class URL {
  constructor(url: string, base?: string)
  readonly protocol: string
}
