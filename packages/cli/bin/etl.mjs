#!/usr/bin/env node
// The etl command: runs the bundle that scripts/build-cli.mjs builds at `pnpm install`.
import { existsSync } from 'node:fs'

const bundle = new URL('../dist/etl.mjs', import.meta.url)
if (!existsSync(bundle)) {
  console.error('etl: the CLI is not built (packages/cli/dist/etl.mjs is missing): run `pnpm install` or `pnpm build` first.')
  process.exit(1)
}
await import(bundle.href)
