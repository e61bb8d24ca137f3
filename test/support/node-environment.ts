import { createRequire } from "node:module";
import { TestEnvironment } from "jest-environment-node";

/**
 * Jest's node environment, plus putting back after each test file what its modules installed on the
 * objects it shares with the worker. Jest gives each file its own global scope and module registry,
 * but some objects are the worker's own and outlive the file:
 *
 *  - `Buffer`, `ArrayBuffer` and `Uint8Array`, which jest-environment-node hands to every file so
 *    that Node's APIs and the test agree on them. pdf-parse bundles core-js polyfills that add
 *    `Uint8Array.fromBase64`, `Uint8Array.prototype.toHex`, `ArrayBuffer.prototype.transfer` and
 *    others on Node 20.
 *  - @napi-rs/canvas's native classes: the addon loads once per process, and its JavaScript wrapper,
 *    which Jest runs again in every file that imports the package, wraps methods of the native
 *    prototypes (`CanvasElement.prototype.toBlob`, `CanvasRenderingContext2D.prototype.drawImage`, ...)
 *    around whatever is there, so each file's wrappers called the previous file's.
 *
 * A function a file leaves on one of these closes over the file's context and keeps its whole module
 * registry alive until the worker exits. Workers grew to over a gigabyte that way, and were still
 * tearing their heaps down when Jest force-exited them ("A worker process has failed to exit
 * gracefully") at the end of `npm test`.
 */
export default class NodeEnvironment extends TestEnvironment {
  private readonly sharedBefore = new Map<object, Map<PropertyKey, PropertyDescriptor>>();

  override async setup(): Promise<void> {
    await super.setup();
    for (const shared of sharedObjects()) {
      this.sharedBefore.set(shared, new Map(Reflect.ownKeys(shared).map((key) => [key, Reflect.getOwnPropertyDescriptor(shared, key)!])));
    }
  }

  override async teardown(): Promise<void> {
    for (const [shared, before] of this.sharedBefore) restoreOwnProperties(shared, before);
    this.sharedBefore.clear();
    await super.teardown();
  }
}

function sharedObjects(): object[] {
  const typedArray = Object.getPrototypeOf(Uint8Array) as { prototype: object };
  return [Buffer, Buffer.prototype, ArrayBuffer, ArrayBuffer.prototype, Uint8Array, Uint8Array.prototype, typedArray, typedArray.prototype, ...canvasNativeObjects()];
}

let canvasNatives: object[] | undefined;

/**
 * The native classes and objects of @napi-rs/canvas, after its wrapper has run once here, in the
 * worker's own realm: the wrapper also defines non-configurable getters on `GlobalFonts` the first
 * time it runs, which could not be taken back from a test file that ran it first.
 */
function canvasNativeObjects(): object[] {
  if (!canvasNatives) {
    const nodeRequire = createRequire(__filename);
    nodeRequire("@napi-rs/canvas");
    const binding = nodeRequire("@napi-rs/canvas/js-binding") as Record<string, unknown>;
    canvasNatives = Object.values(binding).flatMap((value) => {
      if (typeof value === "function") return [value, value.prototype as object];
      return value !== null && typeof value === "object" ? [value] : [];
    });
  }
  return canvasNatives;
}

function restoreOwnProperties(target: object, before: ReadonlyMap<PropertyKey, PropertyDescriptor>): void {
  for (const key of Reflect.ownKeys(target)) {
    const original = before.get(key);
    if (!original) {
      Reflect.deleteProperty(target, key);
    } else if (!sameDescriptor(Reflect.getOwnPropertyDescriptor(target, key)!, original)) {
      Reflect.defineProperty(target, key, original);
    }
  }
  for (const [key, original] of before) if (!Object.prototype.hasOwnProperty.call(target, key)) Reflect.defineProperty(target, key, original);
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;
}
