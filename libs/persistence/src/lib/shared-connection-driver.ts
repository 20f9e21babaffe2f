import * as pg from 'pg';

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, release: (err?: unknown) => void) => void;

/**
 * A stand-in for the `pg` module whose every Pool is one shared single-connection pool.
 *
 * Embedded PGlite has one backend session, and its socket server interleaves the
 * extended-protocol messages of concurrent connections outside transactions (seen here as
 * "unnamed prepared statement does not exist"). Funnelling all five services through one
 * connection makes every statement and transaction run whole, one after another. The pool
 * ends when the last data source using it is destroyed, and is made again by the next one.
 */
export function sharedConnectionDriver(url: string): typeof pg {
  let pool: pg.Pool | undefined;
  let users = 0;
  const current = (): pg.Pool => (pool ??= new pg.Pool({ connectionString: url, max: 1 }));

  class SharedPool {
    constructor() {
      users += 1;
      current();
      // Returning an object from a constructor makes `new` yield it: every data source gets the facade.
      return facade as unknown as SharedPool;
    }
  }

  const facade = {
    on: (event: 'error', listener: (err: Error) => void) => {
      current().on(event, listener);
      return facade;
    },
    connect: (callback: ConnectCallback) => {
      current().connect((err, client, release) => callback(err ?? undefined, client, release));
    },
    end: (callback: (err?: Error) => void) => {
      users -= 1;
      const ending = pool;
      if (users > 0 || ending === undefined) return callback();
      pool = undefined;
      ending.end().then(() => callback(), callback);
    },
  };

  return { ...pg, Pool: SharedPool } as unknown as typeof pg;
}
