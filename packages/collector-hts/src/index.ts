/**
 * Collectors for broker Open APIs ("HTS"). Each broker is its own folder with its own client;
 * nothing here touches the database.
 *   kis/  Korea Investment & Securities, KIS Developers REST API
 */
export * from './kis/index.ts'
