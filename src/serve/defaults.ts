/** Where `nashra serve` listens unless told: loopback, for a reverse proxy in front. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
