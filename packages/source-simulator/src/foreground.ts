import { DEFAULT_MEMBERS, type SimulatorOptions } from './options.ts'
import { startSimulator } from './server.ts'

/**
 * Runs the simulator until SIGINT or SIGTERM, for `pnpm etl simulator --port <p>` and the demo.
 * Resolves once the server has stopped.
 */
export async function runSimulatorInForeground(options: SimulatorOptions = {}): Promise<void> {
  const simulator = await startSimulator(options)
  const members = Object.keys(options.members ?? DEFAULT_MEMBERS).join(', ')
  process.stdout.write(`KRX source simulator listening on ${simulator.url} (members: ${members})\n`)
  if (options.members === undefined) {
    process.stdout.write(`Log in with KRX_MEMBER_ID=demo KRX_MEMBER_PASSWORD=${DEFAULT_MEMBERS.demo} KRX_BASE_URL=${simulator.url}\n`)
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      void simulator.stop().then(resolve, resolve)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
