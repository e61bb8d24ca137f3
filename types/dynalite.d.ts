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
