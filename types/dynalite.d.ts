/** The part of dynalite (an embedded DynamoDB, used locally and in tests) this project calls. */
declare module "dynalite" {
  import { Server } from "node:http";
  interface DynaliteOptions {
    /** LevelDB directory; in memory when unset. */
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}

/**
 * dynalite's internals that scripts/local/dynamodb-engine.ts builds the transactional operations on:
 * its store (LevelDB plus per-item locks), request validation and single-item actions.
 */
declare module "dynalite/db" {
  /** A DynamoDB error as dynalite answers it: HTTP status and JSON body. */
  export interface DynaliteError extends Error {
    statusCode?: number;
    body?: { __type: string; message?: string; Message?: string };
  }
  export type Callback<T = void> = (error: DynaliteError | null | undefined, value?: T) => void;
  export type WireItem = Record<string, Record<string, unknown>>;
  export interface TableDescription {
    TableName: string;
    KeySchema: Array<{ AttributeName: string; KeyType: "HASH" | "RANGE" }>;
    AttributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
    LocalSecondaryIndexes?: unknown[];
    GlobalSecondaryIndexes?: unknown[];
  }
  /** The `lock` package: array keys are registered at once, so lockers never deadlock each other. */
  export interface KeyLock {
    (key: string | string[], exec: (release: (done: (...args: unknown[]) => void) => (...args: unknown[]) => void) => void): void;
    isLocked(key: string): boolean;
  }
  export interface ItemDb {
    lock: KeyLock;
    get(key: string, callback: Callback<WireItem | undefined>): void;
    put(key: string, value: WireItem, callback: Callback): void;
    del(key: string, callback: Callback): void;
  }
  export interface LevelBatchOperation {
    type: "put" | "del";
    key: string;
    value?: WireItem;
  }
  export interface Store {
    options: { maxItemSize: number } & Record<string, unknown>;
    db: {
      status: string;
      open(): Promise<void>;
      batch(operations: LevelBatchOperation[]): Promise<void>;
    };
    getTable(name: string, callback: Callback<TableDescription>): void;
    getItemDb(name: string): ItemDb;
  }
  const db: {
    create(options: Record<string, unknown>): Store;
    createKey(item: WireItem, table: TableDescription): string;
    validateKey(key: WireItem, table: TableDescription): DynaliteError | undefined;
    validateItem(item: WireItem, table: TableDescription): DynaliteError | undefined;
    mapPaths(paths: unknown, item: WireItem): WireItem;
    /** Capacity units of one item as a single-item request consumes them (absent: 1): writes per KB, reads per 4 KB (half when not consistent). */
    capacityUnits(item: WireItem | undefined, isRead: boolean, isConsistent?: boolean): number;
  };
  export default db;
}

declare module "dynalite/validations" {
  import { Store } from "dynalite/db";
  const validations: {
    checkTypes(data: Record<string, unknown>, types: Record<string, unknown>): Record<string, unknown>;
    checkValidations(
      data: Record<string, unknown>,
      types: Record<string, unknown>,
      custom: ((data: Record<string, unknown>, store: Store) => string | undefined) | undefined,
      store: Store,
    ): void;
  };
  export default validations;
}

declare module "dynalite/validations/*" {
  import { Store } from "dynalite/db";
  export const types: Record<string, unknown>;
  export const custom: ((data: Record<string, unknown>, store: Store) => string | undefined) | undefined;
}

declare module "dynalite/actions/*" {
  import { Callback, Store } from "dynalite/db";
  function action(store: Store, data: Record<string, unknown>, callback: Callback<Record<string, unknown>>): void;
  export default action;
}
