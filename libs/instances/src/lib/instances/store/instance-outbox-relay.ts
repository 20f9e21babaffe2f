import { Logger } from '@nestjs/common';
import { DataSource, In, IsNull, QueryRunner } from 'typeorm';
import { MessageBus, TOPICS } from '@connector-events/messaging';
import { InstanceSnapshotMessage } from '@connector-events/messaging';
import { InstanceOutboxEntity } from './instance-outbox.entity';

/** Any fixed number works; it only has to differ from other advisory locks in the database. */
const RELAY_LOCK_KEY = 7_101_001;
const BATCH_SIZE = 200;

/**
 * Publishes outbox rows to `oc.instances.v1` in commit order and marks them published. One
 * replica at a time holds the relay (a session advisory lock), so order holds across replicas.
 * A crash between publish and mark republishes a snapshot; consumers skip versions they have.
 */
export class InstanceOutboxRelay {
  private readonly logger = new Logger(InstanceOutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private again = false;
  private leader = false;
  private stopped = false;
  /** The session lock lives on its own connection, which the pool must not recycle under it. */
  private lockConnection?: QueryRunner;

  /**
   * `sharedConnection`: every query goes over one connection (embedded mode), so the lock is
   * taken on it, as holding a second one would block everything else.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: MessageBus,
    private readonly options: { readonly sharedConnection: boolean; readonly intervalMs?: number } = { sharedConnection: false },
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.intervalMs ?? 500);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining;
    const connection = this.lockConnection;
    this.lockConnection = undefined;
    if (connection) {
      if (this.leader) await connection.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK_KEY]).catch(() => undefined);
      await connection.release().catch(() => undefined);
    }
    this.leader = false;
  }

  /** Asks for a drain soon; calls while one runs fold into one more pass. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainAll()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox relay pass failed; retrying on the next tick'))
      .finally(() => {
        this.draining = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Publishes everything pending; returns when the outbox is empty (or another replica leads). */
  async drainAll(): Promise<void> {
    if (!(await this.lead())) return;
    while (!this.stopped && (await this.drainBatch()) === BATCH_SIZE);
  }

  private async lead(): Promise<boolean> {
    if (this.leader) return true;
    if (this.options.sharedConnection) {
      const [shared] = (await this.dataSource.query('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK_KEY])) as {
        locked: boolean;
      }[];
      this.leader = shared?.locked === true;
      return this.leader;
    }
    if (!this.lockConnection) {
      const connection = this.dataSource.createQueryRunner();
      await connection.connect();
      this.lockConnection = connection;
    }
    const [row] = (await this.lockConnection.query('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK_KEY])) as {
      locked: boolean;
    }[];
    this.leader = row?.locked === true;
    return this.leader;
  }

  private async drainBatch(): Promise<number> {
    const rows = await this.dataSource.getRepository(InstanceOutboxEntity).find({
      where: { publishedAt: IsNull() },
      order: { position: 'ASC' },
      take: BATCH_SIZE,
    });
    if (rows.length === 0) return 0;
    await this.bus.publish(
      TOPICS.instances,
      rows.map((row) => ({
        key: row.instanceId,
        value: row.snapshot as InstanceSnapshotMessage | null,
        headers: { version: String(row.version) },
      })),
    );
    await this.dataSource
      .getRepository(InstanceOutboxEntity)
      .update({ position: In(rows.map((row) => row.position)) }, { publishedAt: new Date() });
    return rows.length;
  }
}
