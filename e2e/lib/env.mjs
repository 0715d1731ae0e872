// The environment for a local, offline, quiet n8n with its own user folder, on any line of the
// matrix (lines.mjs).
//
// Every name below was checked against the config classes of n8n 1.123.81, 2.8.4 and 2.40.7
// (node_modules/@n8n/config/dist and n8n/dist/modules/community-packages/community-packages.config.js
// in each line's folder). The one that differs: 2.40 reads the webhook base URL from
// N8N_WEBHOOK_URL and flags WEBHOOK_URL as deprecated; the older lines know only WEBHOOK_URL.
import { createServer } from 'node:net';

import { currentLine } from './lines.mjs';

/** Ask the OS for a free TCP port on 127.0.0.1. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/**
 * Environment for an n8n process (CLI or server) that keeps everything in `userFolder`
 * (n8n writes `<userFolder>/.n8n/{config,database.sqlite,nodes/}`), listens on
 * 127.0.0.1 only and calls nothing outside this machine.
 *
 * @param {string} userFolder  absolute path; becomes N8N_USER_FOLDER
 * @param {number} port        editor/REST port (N8N_PORT)
 * @param {object} [opts]
 * @param {number} [opts.brokerPort]  task-runner broker port; the default 5679 collides
 *        when two n8n processes run at once, so give each its own (see freePort()).
 * @param {Record<string,string>} [opts.extra]  more variables, they win
 * @param {NodeJS.ProcessEnv} [opts.base]  inherited variables (default process.env)
 */
export function n8nEnv(userFolder, port, { brokerPort, extra = {}, base = process.env } = {}) {
	const env = { ...base };
	const { webhookUrlVar = 'WEBHOOK_URL' } = currentLine({ ...base, ...extra });
	// A parent's N8N_* settings must not leak into a test instance.
	for (const k of Object.keys(env)) if (k.startsWith('N8N_') || k.startsWith('DB_')) delete env[k];
	Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		// network: 127.0.0.1 only
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		[webhookUrlVar]: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		...(brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(brokerPort) } : {}),
		// database: SQLite (n8n's default) in the user folder
		DB_TYPE: 'sqlite',
		// offline and quiet: nothing phones home, no banners, no templates
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		// community packages: loaded from <userFolder>/.n8n/nodes/node_modules; the
		// vetted-nodes list (fetched from n8n's servers) is not needed and stays off
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		// local http, throwaway folders
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_PUBLIC_API_DISABLED: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		GENERIC_TIMEZONE: 'UTC',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		NO_COLOR: '1',
		// N8N_RUNNERS_ENABLED is deprecated in 2.x ("safe to remove"): runners are always on.
		...extra,
	});
	return env;
}
