/**
 * pdf.js' display layer (inside pdf-parse) constructs a `DOMMatrix` as it loads, for canvas
 * rendering. On Node it first tries to take one from the native @napi-rs/canvas package; where that
 * is not installed, as in a Lambda bundle, loading fails with "DOMMatrix is not defined"
 * (mozilla/pdf.js#19846, mehmet-kozan/pdf-parse#96). Opening, decrypting and reading the text layer
 * never use it, so when the canvas package cannot be loaded an identity-only stand-in is defined
 * before pdf-parse loads. Where the canvas package loads (local runs), nothing changes and pdf.js
 * polyfills the real one, so rendering works.
 */
import { createRequire } from "node:module";

interface DomGlobals {
  DOMMatrix?: unknown;
}

function canvasLoads(): boolean {
  try {
    return Boolean((createRequire(__filename)("@napi-rs/canvas") as DomGlobals).DOMMatrix);
  } catch {
    return false;
  }
}

const globals = globalThis as DomGlobals;
if (globals.DOMMatrix === undefined && !canvasLoads()) {
  /** Identity matrix fields only: enough for pdf.js to load; rendering without a canvas is unsupported anyway. */
  globals.DOMMatrix = class DOMMatrixStandIn {
    a = 1;
    b = 0;
    c = 0;
    d = 1;
    e = 0;
    f = 0;
    is2D = true;
    isIdentity = true;
  };
}
