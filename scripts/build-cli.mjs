// Bundles the etl CLI into one ES module, so a start reads plain JavaScript instead of
// transpiling every TypeScript module (tsx stays for development and the tests).
// Runs at `pnpm install` (the root postinstall) and as `pnpm build`.
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ENTRY = fileURLToPath(new URL('../packages/cli/src/main.ts', import.meta.url))
const BUNDLE = fileURLToPath(new URL('../packages/cli/dist/etl.mjs', import.meta.url))

const result = await build({
  entryPoints: [ENTRY],
  outfile: BUNDLE,
  write: false,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: { js: "import { createRequire as __etlCreateRequire } from 'node:module'; const require = __etlCreateRequire(import.meta.url);" },
  external: [
    // Loads its .wasm and .data files from beside its own module: resolved from packages/cli.
    '@electric-sql/pglite',
    '@electric-sql/pglite/*',
    // pg's optional native binding, never installed.
    'pg-native',
  ],
  legalComments: 'none',
  logLevel: 'warning',
})

// Written aside and renamed: a CLI starting meanwhile reads the old bundle or the new, never half.
const [output] = result.outputFiles
await mkdir(dirname(BUNDLE), { recursive: true })
const partial = `${BUNDLE}.${process.pid}.partial`
await writeFile(partial, output.contents)
await rename(partial, BUNDLE)
