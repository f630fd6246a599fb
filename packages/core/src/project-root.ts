import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The project's root folder (the one holding pnpm-workspace.yaml), found by walking up from
 * `moduleUrl` (a module's import.meta.url). A fixed `../../..` would hold for the sources but
 * not for the bundled CLI in packages/cli/dist, which runs the same code from another depth.
 */
export function projectRoot(moduleUrl: string): string {
  const start = dirname(fileURLToPath(moduleUrl))
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'pnpm-workspace.yaml'))) return folder
    if (dirname(folder) === folder) throw new Error(`no pnpm-workspace.yaml in ${start} or any folder above it: is the project complete?`)
  }
}
