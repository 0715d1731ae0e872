/**
 * Imported first by the bench entry points. nodes/ContactHub/ has both ContactHub.node.ts and the codex
 * ContactHub.node.json; node's require tries .json before .ts unless ts-node runs with --prefer-ts-exts
 * (jest resolves .ts first on its own), and the .json would stand in for the node's class.
 */
const order = Object.keys(require.extensions);
if (!order.includes('.ts') || order.indexOf('.ts') > order.indexOf('.json')) {
	console.error('bench: run with ts-node --transpile-only --prefer-ts-exts (npm run bench does)');
	process.exit(2);
}
