import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface DatabaseHealth {
  readonly name: string;
  readonly up: boolean;
  readonly detail: string;
}

const PING_TIMEOUT_MS = 3_000;

/** Every data source the process opened, so readiness can check each of them. */
@Injectable()
export class DatabaseRegistry {
  private readonly dataSources = new Map<string, DataSource>();

  add(name: string, dataSource: DataSource): void {
    this.dataSources.set(name, dataSource);
  }

  get size(): number {
    return this.dataSources.size;
  }

  async health(): Promise<DatabaseHealth[]> {
    return Promise.all([...this.dataSources].map(([name, dataSource]) => ping(name, dataSource)));
  }
}

async function ping(name: string, dataSource: DataSource): Promise<DatabaseHealth> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      dataSource.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      }),
    ]);
    return { name, up: true, detail: 'ok' };
  } catch (error) {
    return { name, up: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
