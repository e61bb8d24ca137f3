/**
 * The local DynamoDB engine: dynalite 4 (an embedded DynamoDB on LevelDB) plus the two transactional
 * operations it does not implement, `TransactWriteItems` and `TransactGetItems`, built on dynalite's own
 * store so that they and dynalite's single-item operations see and lock the same items.
 *
 * Every other operation goes to dynalite unchanged. The transactions follow DynamoDB's documented
 * semantics (docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html,
 * .../API_TransactGetItems.html and developerguide/transaction-apis.html) as far as this project uses them:
 *
 *  - 1 to 100 actions (`ConditionCheck`, `Put`, `Delete`, `Update`), each naming a distinct item, else
 *    `ValidationException`; every action is validated with dynalite's own request validation.
 *  - All or nothing: the items' locks are taken (dynalite's per-item locks, keys sorted, tables in name
 *    order), every condition is evaluated against the items as they are before any write, and only if all
 *    pass are the writes applied, in one LevelDB batch (atomic on disk and in memory). Otherwise
 *    `TransactionCanceledException` with one `CancellationReasons` entry per action, in order:
 *    `ConditionalCheckFailed` (with the old `Item` when `ReturnValuesOnConditionCheckFailure: ALL_OLD`),
 *    `ValidationError` (an update that cannot apply), or `None`.
 *  - Conflicts: an action on an item that another `TransactWriteItems` is writing cancels with
 *    `TransactionConflict` at once (DynamoDB does not queue transactions); a `TransactGetItems` on an item
 *    being written by any request cancels the same way. A single-item write waits for a transaction's
 *    locks instead of failing with `TransactionConflictException` (dynalite's own write path is unchanged).
 *  - `ClientRequestToken` (the SDK sends one on every call and reuses it on its retries): a repeat within
 *    10 minutes of a successful call returns success without writing again; the same token with other
 *    parameters is `IdempotentParameterMismatchException`; while the first call runs,
 *    `TransactionInProgressException`.
 *  - `ReturnConsumedCapacity` (`TOTAL` or `INDEXES`): one entry per table, two units per item (a transaction
 *    prepares and commits each item): a write action by the larger of the item before and after it (per
 *    KB, an absent item 1), a `ConditionCheck` by the item it checks, as a write, and a Get as a consistent
 *    read (per 4 KB). Sizes and units are dynalite's own (`capacityUnits`). Cancelled transactions and
 *    idempotent repeats report none. The two-per-item rate is from secondary sources, the ConditionCheck
 *    rate from a measurement (martinhicks.dev/articles/what-a-conditional-dynamodb-transaction-costs):
 *    UNCONFIRMED against AWS's own pages.
 *
 * Refused (not used here; a ValidationException that says so): tables with secondary
 * indexes. Not reported: item collection metrics.
 */
import { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import dynalite from "dynalite";
import db, { DynaliteError, Store, TableDescription, WireItem } from "dynalite/db";
import validations from "dynalite/validations";
import * as putValidation from "dynalite/validations/putItem";
import * as updateValidation from "dynalite/validations/updateItem";
import * as deleteValidation from "dynalite/validations/deleteItem";
import * as getValidation from "dynalite/validations/getItem";
import putItem from "dynalite/actions/putItem";
import { MAX_TRANSACTION_ITEMS } from "../../functions/identity-graph/core/table";
import updateItem from "dynalite/actions/updateItem";
import deleteItem from "dynalite/actions/deleteItem";

const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const TRANSACT_WRITE = "DynamoDB_20120810.TransactWriteItems";
const TRANSACT_GET = "DynamoDB_20120810.TransactGetItems";

/** One write of a committed transaction, in wire format. */
export interface CommittedWrite {
  readonly table: string;
  readonly kind: "put" | "delete";
  /** The item written (puts and updates), or the key deleted. */
  readonly item: WireItem;
}

export interface CommittedTransaction {
  readonly clientRequestToken?: string;
  readonly writes: readonly CommittedWrite[];
}

export interface LocalDynamoDBOptions {
  /** LevelDB directory; in memory when unset. */
  readonly path?: string;
  /** Called right after a transaction's batch is written, while its locks are still held: the exact commit order. */
  readonly onCommit?: (transaction: CommittedTransaction) => void;
  /**
   * Called with a transaction's writes after its conditions passed, before its batch is written, holding its
   * locks (tests use it to hold a transaction open); throwing or rejecting fails it, nothing written.
   */
  readonly beforeBatch?: (transaction: CommittedTransaction) => void | Promise<void>;
}

export interface LocalDynamoDB {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** The LevelDB directory is held by another process (LevelDB allows one at a time). */
export class StoreInUseError extends Error {
  override readonly name = "StoreInUseError";
}

class DynamoError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message ?? body.Message ?? body.__type));
  }
}

const validationError = (message: string) => new DynamoError(400, { __type: "com.amazon.coral.validate#ValidationException", message });
const dynamoError = (type: string, fields: Record<string, unknown>) => new DynamoError(400, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, ...fields });

interface CancellationReason {
  Code: "None" | "ConditionalCheckFailed" | "TransactionConflict" | "ValidationError";
  Message?: string;
  Item?: WireItem;
}

function cancelled(reasons: CancellationReason[]): DynamoError {
  return dynamoError("TransactionCanceledException", {
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
    CancellationReasons: reasons,
  });
}

type WriteKind = "ConditionCheck" | "Put" | "Delete" | "Update";
const WRITE_KINDS: readonly WriteKind[] = ["ConditionCheck", "Put", "Delete", "Update"];
const WRITE_VALIDATION: Record<WriteKind, typeof putValidation> = {
  ConditionCheck: deleteValidation,
  Put: putValidation,
  Delete: deleteValidation,
  Update: updateValidation,
};

/** One action of a transaction, validated, with its table and dynalite's key string. */
interface PreparedAction {
  readonly kind: WriteKind | "Get";
  readonly data: Record<string, unknown>;
  readonly table: TableDescription;
  readonly key: string;
  readonly returnOldOnFailure: boolean;
}

/**
 * Starts dynalite with the transactional operations on 127.0.0.1 (a free port). With `path`, a directory
 * already held by another process fails with StoreInUseError instead of dynalite's later `Database is closed`.
 */
export async function startLocalDynamoDB(options: LocalDynamoDBOptions = {}): Promise<LocalDynamoDB> {
  // dynalite builds its store inside dynalite() and does not expose it: capture it from the factory call.
  const createStore = db.create;
  let store: Store | undefined;
  db.create = (storeOptions) => (store = createStore(storeOptions));
  let server: ReturnType<typeof dynalite>;
  try {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.path ? { path: options.path } : {}) });
  } finally {
    db.create = createStore;
  }
  if (!store) throw new Error("dynalite did not create its store through dynalite/db create(): the engine needs updating for this dynalite version");
  const engine = new TransactionEngine(store, options);
  try {
    await store.db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === "LEVEL_LOCKED") {
      throw new StoreInUseError(`the store directory ${options.path} is in use by another process (its LevelDB lock is held): stop that process or choose another directory`);
    }
    throw error;
  }

  const dynaliteHandler = server.listeners("request")[0] as RequestListener;
  server.removeAllListeners("request");
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const target = request.headers["x-amz-target"];
    if (request.method === "POST" && (target === TRANSACT_WRITE || target === TRANSACT_GET)) {
      void engine.handle(target === TRANSACT_WRITE ? "write" : "get", request, response);
    } else {
      dynaliteHandler(request, response);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error?: Error) => (error ? reject(error) : resolve()))),
  };
}

class TransactionEngine {
  /** `<table>\0<key>` of every item a TransactWriteItems is writing now. */
  private readonly writing = new Set<string>();
  private readonly tokensInFlight = new Set<string>();
  private readonly completed = new Map<string, { hash: string; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly options: LocalDynamoDBOptions,
  ) {}

  async handle(operation: "write" | "get", request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const body = await readBody(request);
      let data: unknown;
      try {
        data = JSON.parse(body);
      } catch {
        throw new DynamoError(400, { __type: "com.amazon.coral.service#SerializationException" });
      }
      if (typeof data !== "object" || data === null || Array.isArray(data)) throw new DynamoError(400, { __type: "com.amazon.coral.service#SerializationException" });
      const result = operation === "write" ? await this.transactWrite(data as Record<string, unknown>) : await this.transactGet(data as Record<string, unknown>);
      send(request, response, 200, result);
    } catch (error) {
      const known = error as DynaliteError;
      if (known.statusCode && known.body) send(request, response, known.statusCode, known.body);
      else send(request, response, 500, { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: String((error as Error).message ?? error) });
    }
  }

  private async transactWrite(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const items = checkItemList(request.TransactItems);
    const token = request.ClientRequestToken;
    if (token !== undefined && (typeof token !== "string" || token.length < 1 || token.length > 36)) {
      throw validationError("1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 1 and 36");
    }
    const actions = await Promise.all(items.map((item) => this.prepareWrite(item)));
    rejectDuplicates(actions);

    const hash = createHash("sha256").update(JSON.stringify(request.TransactItems)).digest("hex");
    if (token !== undefined) {
      this.forgetExpiredTokens();
      const previous = this.completed.get(token);
      if (previous && previous.hash !== hash) {
        throw dynamoError("IdempotentParameterMismatchException", { Message: "The request uses the same client token as a previous, but non-identical request." });
      }
      if (previous) return {};
      if (this.tokensInFlight.has(token)) throw dynamoError("TransactionInProgressException", { Message: "The transaction with the given request token is already in progress." });
    }

    const names = actions.map((a) => `${a.table.TableName}\0${a.key}`);
    if (names.some((name) => this.writing.has(name))) {
      throw cancelled(names.map((name) => (this.writing.has(name) ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" } : { Code: "None" })));
    }
    // Claimed synchronously after the check: no other transaction can interleave between them.
    for (const name of names) this.writing.add(name);
    if (token !== undefined) this.tokensInFlight.add(token);
    let consumed: Record<string, unknown>;
    try {
      consumed = await this.withLocks(actions, async () => {
        const current = await Promise.all(actions.map((a) => this.read(a)));
        const staged = await Promise.all(actions.map((a, i) => stage(this.store, a, current[i])));
        const reasons: CancellationReason[] = staged.map((s, i) => {
          if (!s.error) return { Code: "None" };
          if (s.error.body?.__type.endsWith("#ConditionalCheckFailedException")) {
            const old = current[i];
            return { Code: "ConditionalCheckFailed", Message: "The conditional request failed", ...(actions[i]!.returnOldOnFailure && old ? { Item: old } : {}) };
          }
          if (s.error.statusCode === 400) return { Code: "ValidationError", Message: s.error.body?.message ?? s.error.message };
          throw s.error;
        });
        if (reasons.some((r) => r.Code !== "None")) throw cancelled(reasons);

        const writes: CommittedWrite[] = [];
        const batch: Array<{ type: "put" | "del"; key: string; value?: WireItem }> = [];
        actions.forEach((action, i) => {
          const write = staged[i]!.write;
          if (action.kind === "ConditionCheck" || !write) return;
          const key = `item-${action.table.TableName}~${action.key}`;
          if (write.type === "put") {
            batch.push({ type: "put", key, value: write.value });
            writes.push({ table: action.table.TableName, kind: "put", item: write.value });
          } else {
            batch.push({ type: "del", key });
            writes.push({ table: action.table.TableName, kind: "delete", item: action.data.Key as WireItem });
          }
        });
        const committed: CommittedTransaction = { ...(token !== undefined ? { clientRequestToken: token } : {}), writes };
        await this.options.beforeBatch?.(committed);
        if (batch.length > 0) await this.store.db.batch(batch);
        this.options.onCommit?.(committed);
        return consumedCapacity(
          request.ReturnConsumedCapacity,
          actions.map((action, i) => {
            const write = staged[i]!.write;
            const after = write?.type === "put" ? write.value : undefined;
            return { table: action.table.TableName, units: 2 * Math.max(db.capacityUnits(current[i], false), after ? db.capacityUnits(after, false) : 0) };
          }),
        );
      });
    } finally {
      for (const name of names) this.writing.delete(name);
      if (token !== undefined) this.tokensInFlight.delete(token);
    }
    if (token !== undefined) this.completed.set(token, { hash, at: Date.now() });
    return consumed;
  }

  private async transactGet(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    const items = checkItemList(request.TransactItems);
    const actions = await Promise.all(
      items.map(async (item) => {
        if (Object.keys(item).length !== 1 || item.Get == null) throw validationError("TransactItems can only contain Get actions");
        const data = validate(item.Get as Record<string, unknown>, getValidation, this.store);
        const table = await this.table(data.TableName as string);
        return this.keyed("Get", data, table, data.Key as WireItem);
      }),
    );
    rejectDuplicates(actions);
    const busy = actions.map((a) => this.writing.has(`${a.table.TableName}\0${a.key}`) || this.store.getItemDb(a.table.TableName).lock.isLocked(a.key));
    if (busy.some(Boolean)) throw cancelled(busy.map((b) => (b ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" } : { Code: "None" })));
    const found = await this.withLocks(actions, () => Promise.all(actions.map((a) => this.read(a))));
    return {
      ...consumedCapacity(
        request.ReturnConsumedCapacity,
        found.map((item, i) => ({ table: actions[i]!.table.TableName, units: 2 * db.capacityUnits(item, true, true) })),
      ),
      Responses: found.map((item, i) => {
        if (!item) return {};
        const projection = actions[i]!.data._projection as { paths: unknown } | undefined;
        return { Item: projection ? db.mapPaths(projection.paths, item) : item };
      }),
    };
  }

  private async prepareWrite(item: Record<string, unknown>): Promise<PreparedAction> {
    const kinds = WRITE_KINDS.filter((kind) => item[kind] != null);
    if (kinds.length !== 1 || Object.keys(item).length !== 1) throw validationError("TransactItems can only contain one of ConditionCheck, Put, Update or Delete");
    const kind = kinds[0]!;
    const spec = item[kind] as Record<string, unknown>;
    if (kind === "ConditionCheck" && spec.ConditionExpression == null) throw validationError("The parameter 'ConditionExpression' is required but was not present in the request");
    const data = validate(spec, WRITE_VALIDATION[kind], this.store);
    const table = await this.table(data.TableName as string);
    const key = kind === "Put" ? (data.Item as WireItem) : (data.Key as WireItem);
    return { ...this.keyed(kind, data, table, key, kind === "Put"), returnOldOnFailure: spec.ReturnValuesOnConditionCheckFailure === "ALL_OLD" };
  }

  private keyed(kind: PreparedAction["kind"], data: Record<string, unknown>, table: TableDescription, key: WireItem, isItem = false): PreparedAction {
    if (table.LocalSecondaryIndexes?.length || table.GlobalSecondaryIndexes?.length) {
      throw validationError(`table ${table.TableName} has secondary indexes, which the local transaction engine does not maintain`);
    }
    const invalid = isItem ? db.validateItem(key, table) : db.validateKey(key, table);
    if (invalid) throw invalid;
    return { kind, data, table, key: db.createKey(key, table), returnOldOnFailure: false };
  }

  private table(name: string): Promise<TableDescription> {
    return new Promise((resolve, reject) => this.store.getTable(name, (error, table) => (error ? reject(error) : resolve(table!))));
  }

  private read(action: PreparedAction): Promise<WireItem | undefined> {
    return new Promise((resolve, reject) =>
      this.store.getItemDb(action.table.TableName).get(action.key, (error, item) => {
        if (error && error.name !== "NotFoundError") reject(error);
        else resolve(error ? undefined : (item ?? undefined));
      }),
    );
  }

  /** Runs `work` holding dynalite's locks on every action's item: tables in name order, keys sorted. */
  private withLocks<T>(actions: readonly PreparedAction[], work: () => Promise<T>): Promise<T> {
    const byTable = new Map<string, Set<string>>();
    for (const a of actions) byTable.set(a.table.TableName, (byTable.get(a.table.TableName) ?? new Set()).add(a.key));
    const tables = [...byTable.keys()].sort();
    const lockFrom = (index: number): Promise<T> => {
      const table = tables[index];
      if (table === undefined) return work();
      const keys = [...byTable.get(table)!].sort();
      return new Promise<T>((resolve, reject) =>
        this.store.getItemDb(table).lock(keys, (release) => {
          lockFrom(index + 1).then(
            (value) => release(() => resolve(value))(),
            (error: unknown) => release(() => reject(error))(),
          );
        }),
      );
    };
    return lockFrom(0);
  }

  private forgetExpiredTokens(): void {
    const oldest = Date.now() - IDEMPOTENCY_WINDOW_MS;
    for (const [token, { at }] of this.completed) if (at < oldest) this.completed.delete(token);
  }
}

/** A transaction's `ConsumedCapacity` (one entry per table) when the request asked for it. */
function consumedCapacity(mode: unknown, charges: ReadonlyArray<{ table: string; units: number }>): Record<string, unknown> {
  if (mode !== "TOTAL" && mode !== "INDEXES") return {};
  const byTable = new Map<string, number>();
  for (const { table, units } of charges) byTable.set(table, (byTable.get(table) ?? 0) + units);
  return {
    ConsumedCapacity: [...byTable].map(([TableName, units]) => ({ TableName, CapacityUnits: units, ...(mode === "INDEXES" ? { Table: { CapacityUnits: units } } : {}) })),
  };
}

function checkItemList(items: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(items)) throw validationError("1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null");
  if (items.length < 1 || items.length > MAX_TRANSACTION_ITEMS) {
    throw validationError(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length ${items.length < 1 ? "greater than or equal to 1" : `less than or equal to ${MAX_TRANSACTION_ITEMS}`}`,
    );
  }
  if (items.some((item) => typeof item !== "object" || item === null || Array.isArray(item))) throw new DynamoError(400, { __type: "com.amazon.coral.service#SerializationException" });
  return items as Array<Record<string, unknown>>;
}

function rejectDuplicates(actions: readonly PreparedAction[]): void {
  const names = actions.map((a) => `${a.table.TableName}\0${a.key}`);
  if (new Set(names).size !== names.length) throw validationError("Transaction request cannot include multiple operations on one item");
}

/** dynalite's own validation of a single-item request (types, constraints, expressions parsed into `_condition`/`_updates`). */
function validate(spec: Record<string, unknown>, rules: typeof putValidation, store: Store): Record<string, unknown> {
  const data = validations.checkTypes(structuredClone(spec), rules.types);
  validations.checkValidations(data, rules.types, rules.custom, store);
  return data;
}

type Staged = { write?: { type: "put"; value: WireItem } | { type: "delete" }; error?: DynaliteError };

/**
 * Evaluates one action with dynalite's own single-item action (conditions, update expressions, item size)
 * against the item as read under the transaction's locks, capturing the write instead of performing it.
 */
function stage(store: Store, action: PreparedAction, current: WireItem | undefined): Promise<Staged> {
  const staged: Staged = {};
  const itemDb = {
    lock: (_key: string, exec: (release: (done: unknown) => unknown) => void) => exec((done) => done),
    get: (_key: string, callback: (error: null, item?: WireItem) => void) => callback(null, current && structuredClone(current)),
    put: (_key: string, value: WireItem, callback: (error: null) => void) => {
      staged.write = { type: "put", value };
      callback(null);
    },
    del: (_key: string, callback: (error: null) => void) => {
      staged.write = { type: "delete" };
      callback(null);
    },
  };
  const staging = { ...store, getItemDb: () => itemDb } as unknown as Store;
  const run = action.kind === "Put" ? putItem : action.kind === "Update" ? updateItem : deleteItem;
  return new Promise((resolve) => run(staging, action.data, (error) => resolve(error ? { error } : staged)));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        request.destroy();
        reject(new DynamoError(413, { __type: "com.amazon.coral.service#RequestEntityTooLarge" }));
      } else {
        chunks.push(chunk);
      }
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(request: IncomingMessage, response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const contentType = String(request.headers["content-type"] ?? "").split(";")[0]!.trim();
  response.statusCode = status;
  response.setHeader("x-amzn-RequestId", randomBytes(39).toString("base64").toUpperCase().replace(/[+/]/g, "0"));
  response.setHeader("x-amz-crc32", String(crc32(text)));
  response.setHeader("Content-Type", contentType === "application/x-amz-json-1.0" ? contentType : "application/json");
  response.setHeader("Content-Length", Buffer.byteLength(text));
  response.end(text);
}
