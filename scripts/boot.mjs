#!/usr/bin/env node
/*
 * `npm run boot -- <options>`: `bootlab boot <options>` from a checkout, through the built
 * command line (out/cli, about a fifth of a second) rather than TypeScript at run time
 * (tsx, seconds). When out/cli is missing or older than any source file it is rebuilt
 * first (`npm run build:cli`, a few seconds, once); its messages go to stderr so the
 * boot's output stays clean.
 */
import { CLI_BIN, ensureCliBuilt } from './cli-build.mjs'

if (!ensureCliBuilt()) process.exit(3)
process.argv = [process.argv[0], CLI_BIN, 'boot', ...process.argv.slice(2)]
await import('../bin/bootlab.mjs')
