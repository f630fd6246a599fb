import { LOOPBACK_INFOMAX_RATE_LIMIT, simulatorEnvironment } from './environment.ts'
import { DEFAULT_MEMBERS, type SimulatorOptions } from './options.ts'
import { startSimulator } from './server.ts'

/**
 * Runs the simulator until SIGINT or SIGTERM, for `pnpm etl simulator --port <p>` and the demo.
 * Resolves once the server has stopped.
 */
export async function runSimulatorInForeground(options: SimulatorOptions = {}): Promise<void> {
  const simulator = await startSimulator({ ...options, infomax: { rateLimit: LOOPBACK_INFOMAX_RATE_LIMIT } })
  const members = Object.keys(options.members ?? DEFAULT_MEMBERS).join(', ')
  process.stdout.write(`KRX source simulator listening on ${simulator.url} (members: ${members})\n`)
  if (options.members === undefined) {
    const lines = Object.entries(simulatorEnvironment(simulator.url)).map(([name, value]) => `${name}=${value}`)
    process.stdout.write(`Point the pipeline at it with these variables (in .env, or exported in another shell):\n${lines.join('\n')}\n`)
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
