import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';

import { Credentials } from 'n8n-core';

/** Applies a credential type's `authenticate` (a function, or generic with expressions) the way n8n's own CredentialsHelper does. */
export async function applyAuth(
	credentialType: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	request: IHttpRequestOptions,
	workflow: Workflow,
	node: INode,
): Promise<IHttpRequestOptions> {
	const authenticate = credentialType.authenticate;
	if (authenticate === undefined) return request;
	if (typeof authenticate === 'function') return await authenticate(credentials, request);
	const resolve = (value: unknown) =>
		typeof value === 'string' && value.startsWith('=')
			? workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '')
			: value;
	const out = { ...request } as IHttpRequestOptions & Record<string, unknown>;
	for (const [where, entries] of Object.entries(authenticate.properties)) {
		const target = { ...((out[where] as Record<string, unknown> | undefined) ?? {}) };
		for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
			target[key] = resolve(value);
		}
		out[where] = target;
	}
	return out;
}

/** A node in an empty workflow: where a credential's expressions are resolved outside a run, as n8n's credential tester does. */
const CREDENTIAL_TEST_NODE: INode = {
	id: 'n',
	name: 'Credential test',
	type: 'n8n-nodes-contact-hub.contactHub',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const CREDENTIAL_TEST_WORKFLOW = new Workflow({
	nodes: [CREDENTIAL_TEST_NODE],
	connections: {},
	active: false,
	nodeTypes: { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as never,
});

/** Applies a credential type's `authenticate` to `request` outside a run. */
export async function authenticateRequest(
	credentialType: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	request: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	return await applyAuth(credentialType, credentials, request, CREDENTIAL_TEST_WORKFLOW, CREDENTIAL_TEST_NODE);
}

/** Builds a credential's test request the way n8n's credential tester does: expressions resolved, then authenticated. */
export async function credentialTestRequest(credentialType: ICredentialType, credentials: { apiKey: string; baseUrl: string }): Promise<IHttpRequestOptions> {
	const request = { ...credentialType.test!.request } as IHttpRequestOptions;
	request.baseURL = CREDENTIAL_TEST_WORKFLOW.expression.getSimpleParameterValue(CREDENTIAL_TEST_NODE, request.baseURL as string, 'internal', {
		$credentials: credentials,
	}) as string;
	return await authenticateRequest(credentialType, credentials, request);
}

/** Credentials held in memory for engine tests; authentication works as in a real n8n. */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Record<string, ICredentialType>,
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		return await applyAuth(this.types[typeName], credentials, requestOptions, workflow, node);
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		return new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type);
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const found = this.data[type];
		if (!found) throw new Error(`no test credentials of type ${type}`);
		return { ...found };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string) {
		return this.types[type]?.properties ?? [];
	}
}
