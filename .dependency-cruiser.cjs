/*
 * The layer rule of BootLab (docs/architecture.md), checked by dependency-cruiser over every root
 * of src/ by `npm run lint:layers` (part of `npm test`) and planted-violation tests in
 * test/layers.test.ts.
 *
 *   pure:   src/shared ← src/core ← src/report, src/labs      (no Node, DOM, Electron or UI framework)
 *   hosts:  src/node (plain Node) ← src/cli, src/main ; src/preload ; src/renderer
 *
 * An arrow runs one way only: a lower room never imports a higher one, no host imports another
 * host's room, and nothing anywhere imports in a circle (type-only imports count: a circle of
 * types is still a circle to a reader).
 */
const PURE = '^src/(core|report|labs|shared)/'
const NODE_BUILTIN = { dependencyTypes: ['core'] }

/** A rule forbidding `from` to import anything under the listed src/ folders. */
function layer(name, from, folders, comment) {
  return { name, comment, severity: 'error', from: { path: from }, to: { path: `^src/(${folders.join('|')})/` } }
}

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import circle anywhere in src/.', from: { path: '^src/' }, to: { circular: true } },
    { name: 'pure-no-node-builtins', severity: 'error', comment: 'The pure layers run in the browser, its workers and Node alike: no Node built-in, bare or node:.', from: { path: PURE }, to: NODE_BUILTIN },
    {
      name: 'pure-packages',
      severity: 'error',
      comment: 'The pure layers may use only these pure packages from node_modules.',
      from: { path: PURE },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: 'node_modules/(zod|yaml|diff|web-tree-sitter|fflate)/' },
    },
    layer('shared-is-the-floor', '^src/shared/', ['core', 'report', 'labs', 'node', 'cli', 'main', 'preload', 'renderer'], 'src/shared is the preload contract: it imports no other room.'),
    layer('core-is-pure', '^src/core/', ['report', 'labs', 'node', 'cli', 'main', 'preload', 'renderer'], 'src/core imports only itself and src/shared.'),
    layer('report-reads-the-core', '^src/report/', ['labs', 'node', 'cli', 'main', 'preload', 'renderer'], 'src/report draws a BootResult: core and shared only.'),
    layer('labs-read-the-core', '^src/labs/', ['report', 'node', 'cli', 'main', 'preload', 'renderer'], 'src/labs loads and grades labs: core and shared only.'),
    layer('node-is-plain-node', '^src/node/', ['cli', 'main', 'preload', 'renderer'], 'src/node holds plain Node code shared by the hosts; it imports no host.'),
    layer('cli-is-a-host', '^src/cli/', ['main', 'preload', 'renderer'], 'The command line reaches Node through src/node, never the Electron or page rooms.'),
    layer('main-is-a-host', '^src/main/', ['cli', 'preload', 'renderer'], 'Electron main: plain logic in src/node, the contract in src/shared.'),
    layer('preload-is-narrow', '^src/preload/', ['core', 'report', 'labs', 'node', 'cli', 'main', 'renderer'], 'The preload exposes the contract in src/shared, nothing more.'),
    { name: 'preload-no-node', severity: 'error', comment: 'A sandboxed preload has no Node built-ins.', from: { path: '^src/preload/' }, to: NODE_BUILTIN },
    layer('renderer-through-window-bootlab', '^src/renderer/', ['node', 'cli', 'main', 'preload'], 'The page reaches files only through window.bootlab.'),
    { name: 'renderer-no-node', severity: 'error', comment: 'The page runs in a browser: no Node built-ins.', from: { path: '^src/renderer/' }, to: NODE_BUILTIN },
    { name: 'src-not-outside', severity: 'error', comment: 'Shipped code imports no script or test from outside src/.', from: { path: '^src/' }, to: { path: '^(scripts|test|bench)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.mts', '.js', '.mjs', '.vue', '.json'] },
    exclude: { path: '\\.d\\.ts$' },
  },
}
