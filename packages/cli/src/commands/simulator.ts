import { Command, InvalidArgumentError } from 'commander'

export function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`expected a port number 0-65535, got "${value}"`)
  return port
}

export function registerSimulator(program: Command): void {
  program
    .command('simulator')
    .description('run the source simulator (KRX data portal wire format) on loopback, in the foreground')
    .option('--port <port>', 'port to listen on (0 = any free port)', parsePort, 8484)
    .action(async (options: { port: number }) => {
      // Loaded on demand: other commands need not load the simulator.
      const { runSimulatorInForeground } = await import('@kmd/source-simulator')
      await runSimulatorInForeground({ port: options.port })
    })
}
