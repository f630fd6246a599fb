import { request } from 'node:http'
import { existsSync } from 'node:fs'

export const LOCAL_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test'

/**
 * Which PostgreSQL server the `server` test project uses, as env for its workers:
 * TEST_DATABASE_URL when set; else a TimescaleDB container when a Docker engine answers;
 * else the local server this machine runs.
 */
export async function resolveServerTestTarget(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  if (env.TEST_DATABASE_URL) return { TEST_BACKEND: 'server', TEST_DATABASE_URL: env.TEST_DATABASE_URL }
  if (await dockerAnswers(env)) return { TEST_BACKEND: 'container' }
  return { TEST_BACKEND: 'server', TEST_DATABASE_URL: LOCAL_TEST_DATABASE_URL }
}

async function dockerAnswers(env: NodeJS.ProcessEnv): Promise<boolean> {
  const host = env.DOCKER_HOST
  const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : host ? undefined : '/var/run/docker.sock'
  if (socketPath === undefined) return true // a TCP DOCKER_HOST: let testcontainers try it
  if (!existsSync(socketPath)) return false
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.on('timeout', () => {
      req.destroy()
      resolve(false)
    })
    req.end()
  })
}
