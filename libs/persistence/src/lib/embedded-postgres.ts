import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { sharedConnectionDriver } from './shared-connection-driver';

export interface EmbeddedPostgres {
  /** A postgres:// URL the ordinary `pg` driver (and so TypeORM) connects to. */
  readonly url: string;
  /** Give this to PersistenceModule.forRoot: all data sources then share one connection. */
  readonly pgDriver: object;
  stop(): Promise<void>;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), kept in `dataDir` (or in memory), served on
 * loopback over the PostgreSQL wire protocol. Production code then runs unchanged: same
 * driver, same migrations; only DATABASE_URL differs. PGlite has one backend, so the socket
 * server runs whole transactions one after another (STACK-NOTES §5), and
 * statements outside transactions are only safe on one connection (see sharedConnectionDriver).
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; port?: number }): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: 64 });
  await server.start();
  const url = `postgres://postgres:postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    pgDriver: sharedConnectionDriver(url),
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
