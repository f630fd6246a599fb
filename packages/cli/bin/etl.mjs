#!/usr/bin/env node
// The etl command: runs the bundle that scripts/build-cli.mjs builds at `pnpm install`.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const bundle = new URL('../dist/etl.mjs', import.meta.url)
if (!existsSync(bundle)) {
  console.error('etl: the CLI is not built (packages/cli/dist/etl.mjs is missing): run `pnpm install` or `pnpm build` first.')
  process.exit(1)
}
const stale = newerSource(statSync(bundle).mtimeMs)
if (stale) console.error(`etl: ${stale} changed after the CLI was built: run \`pnpm build\` to run the current sources (or \`pnpm etl:dev\`).`)
await import(bundle.href)

// The first TypeScript source (a package's src/ or migrations/) modified after `builtAt`, if any.
function newerSource(builtAt) {
  const root = fileURLToPath(new URL('../../../', import.meta.url))
  const folders = [
    'migrations',
    ...readdirSync(`${root}packages`).map((name) => `packages/${name}/src`),
  ].filter((folder) => existsSync(`${root}${folder}`))
  for (const folder of folders) {
    for (const file of readdirSync(`${root}${folder}`, { recursive: true })) {
      if (String(file).endsWith('.ts') && statSync(`${root}${folder}/${file}`).mtimeMs > builtAt) return `${folder}/${file}`
    }
  }
  return undefined
}
