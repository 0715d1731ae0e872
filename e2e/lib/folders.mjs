// Fresh, throwaway N8N_USER_FOLDERs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A new empty folder under the OS temp dir (or `parent`). */
export function makeUserFolder(prefix = 'contact-hub-n8n-', parent = tmpdir()) {
	return mkdtempSync(join(parent, prefix));
}

/** Remove a folder made by makeUserFolder (only after every n8n using it has stopped). */
export function removeUserFolder(dir) {
	rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
