import { Testing } from "cdktf";

Testing.setupJest();
// Powertools prints structured logs and EMF metrics; tests that care inject their own recorders.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
process.env.POWERTOOLS_METRICS_DISABLED ??= "true";
