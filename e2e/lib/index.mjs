// The e2e harness in one import:
//   import { ensureN8n, n8nEnv, n8nCli, startN8n, N8nRest, installTarball } from '../e2e/lib/index.mjs';
export { E2E_DIR, N8N_MAIN, ensureN8n, installedN8nVersion, n8nMain, pinnedN8nVersion } from './ensure-n8n.mjs';
export { DEFAULT_LINE, LINES, LINE_ENV, currentLine, findLine, lineNodeBin, lineNodeVersion, lineNpmEnv } from './lines.mjs';
export { RUNTIME_CACHE, ensureRuntime, runtimeEnv } from './runtime.mjs';
export { freePort, n8nEnv } from './env.mjs';
export { n8nCli, nodeOutput, parseExecuteOutput, runN8nCli, spawnGroup, startN8n, stopChild } from './n8n.mjs';
export { DEFAULT_OWNER, N8nRest } from './rest.mjs';
export { installTarball, linkPackage, nodesDir, npmPack } from './community.mjs';
export { makeUserFolder, removeUserFolder } from './folders.mjs';
export { PROBE_CREDENTIAL_TYPE, PROBE_NODE_TYPE, PROBE_PACKAGE, writeProbePackage } from './probe-package.mjs';
export * from './contact-hub.mjs';
export { SandboxProcess, startSandbox } from './sandbox.mjs';
export * from './queue.mjs';
