/**
 * What happens when the provider comes from an expression (`provider: '={{ $json.provider }}'`).
 *
 * n8n-core's getCredentials checks credentials[].displayOptions with NodeHelpers.displayParameter
 * against node.parameters, and displayParameter treats a controlling value that is an expression
 * ("=…") as "shown". So at run time every credential type passes that check, each item can use its
 * own provider's credential, and the per-provider Update Fields are all kept. The costs: the node
 * needs a credential attached for every provider the items choose, and n8n's credential validation
 * then asks for all of them. The `provider` parameter has noDataExpression, so the editor offers no
 * expression toggle for it: this is reachable only from workflow JSON (import, API, templates).
 */
import { ContactHub } from '../../nodes/ContactHub/ContactHub.node';
import type { INode, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers, validateNodeCredentials } from 'n8n-workflow';

import {
	AUTH_HEADER,
	CREDENTIAL_TYPE,
	LABEL,
	SANDBOX_KEYS,
	SEED_IDS,
	inVendorKeys,
	jsonOf,
	pairedOf,
	run,
	updateRequest,
	useSandbox,
	VENDOR_LIST,
	type Vendor,
} from './harness';

const sandbox = useSandbox();
const description: INodeTypeDescription = new ContactHub().description;

function node(provider: string, credentials: Vendor[] = VENDOR_LIST): INode {
	return {
		id: 'n',
		name: 'Contact Hub',
		type: 'n8n-nodes-contact-hub.contactHub',
		typeVersion: 1,
		position: [0, 0],
		parameters: { provider, resource: 'contact', operation: 'update', contactId: 'x' },
		credentials: Object.fromEntries(credentials.map((vendor, i) => [CREDENTIAL_TYPE[vendor], { id: String(i + 1), name: vendor }])),
	};
}

test('the provider parameter is not offered as an expression in the editor (noDataExpression)', () => {
	const provider = description.properties.find((property) => property.name === 'provider');
	expect(provider?.noDataExpression).toBe(true);
});

test('credential rules: an expression shows every credential, a fixed provider only its own', () => {
	const shown = (provider: string) =>
		(description.credentials ?? [])
			.filter((credential) => NodeHelpers.displayParameter(node(provider).parameters, credential, node(provider), description))
			.map((credential) => credential.name);
	expect(shown('raze')).toEqual(['razeApi']);
	expect(shown('={{ $json.provider }}')).toEqual(VENDOR_LIST.map((vendor) => CREDENTIAL_TYPE[vendor]));

	// n8n's own credential validation follows: with an expression, every provider's is required.
	const issues = (provider: string, attached: Vendor[]) =>
		validateNodeCredentials(node(provider, attached), { description } as never).map((issue) => issue.credentialName);
	expect(issues('raze', ['raze'])).toEqual([]);
	const attached: Vendor[] = ['raze', 'leadLex'];
	expect(issues('={{ $json.provider }}', attached)).toEqual(
		VENDOR_LIST.filter((vendor) => !attached.includes(vendor)).map((vendor) => CREDENTIAL_TYPE[vendor]),
	);
	expect(issues('={{ $json.provider }}', VENDOR_LIST)).toEqual([]);
});

test('at run time each item uses its own provider, credential and field mapping', async () => {
	const items = VENDOR_LIST.map((vendor) => ({ provider: vendor, id: SEED_IDS[vendor], name: `${LABEL[vendor]} Person` }));
	const result = await run(
		sandbox(),
		{ provider: '={{ $json.provider }}', contactId: '={{ $json.id }}', updateFields: { name: '={{ $json.name }}' } },
		items,
	);
	expect(result.error).toBeUndefined();
	expect(sandbox().requests.map((request) => [request.vendor, request.method, request.path, request.body])).toEqual(
		items.map(({ provider, id, name }) => [provider, ...updateRequest(provider, id, inVendorKeys(provider, { name }))]),
	);
	for (const request of sandbox().requests) {
		const vendor = request.vendor as Vendor;
		const [header, form] = AUTH_HEADER[vendor];
		expect(request.headers[header]).toBe(form(SANDBOX_KEYS[vendor].valid));
	}
	expect(jsonOf(result.items).map((json) => [json.provider, json.name])).toEqual(items.map((item) => [item.provider, item.name]));
	expect(pairedOf(result.items)).toEqual(items.map((_, item) => ({ item })));
});

test('an item whose provider has no credential attached fails that item, naming it and the provider', async () => {
	const result = await run(
		sandbox(),
		{ provider: '={{ $json.provider }}', contactId: '={{ $json.id }}', updateFields: { name: 'Ann' } },
		[
			{ provider: 'leadLex', id: SEED_IDS.leadLex },
			{ provider: 'raze', id: SEED_IDS.raze },
			{ provider: 'hubspot', id: '1' },
		],
		{
			onError: 'continueRegularOutput',
			edit: (workflow) => {
				delete (workflow.nodes[1].credentials as Record<string, unknown>).razeApi;
			},
		},
	);
	expect(jsonOf(result.items)[0]).toMatchObject({ provider: 'leadLex', name: 'Ann' });
	expect(jsonOf(result.items).slice(1)).toEqual([
		{ error: 'Raze: no usable Raze API credential (item 1)' },
		{ error: 'Unknown provider "hubspot" (item 2)' },
	]);
	expect(result.items[1].error?.description).toBe(
		'Node does not have any credentials set for "razeApi". Select a Raze API credential in the node; when Provider is an expression, select one for every provider the items can choose.',
	);
	expect(result.items[2].error?.description).toBe(`Choose one of: ${VENDOR_LIST.join(', ')}`);
	expect(sandbox().requests.map((request) => request.vendor)).toEqual(['leadLex']);
});

test('dry run with a provider expression shows each item its own request', async () => {
	const result = await run(
		sandbox(),
		{ provider: '={{ $json.provider }}', contactId: '={{ $json.id }}', updateFields: { name: 'Ann' }, options: { dryRun: true } },
		[
			{ provider: 'openCx', id: 'c1' },
			{ provider: 'raze', id: 'c2' },
		],
	);
	expect(sandbox().requests).toEqual([]);
	expect(jsonOf(result.items).map((json) => [json.method, json.url, json.body])).toEqual([
		['PATCH', `${sandbox().baseUrl('openCx')}/contacts/c1`, { contact: { name: 'Ann' } }],
		['PUT', `${sandbox().baseUrl('raze')}/external/v1/contacts/c2`, { name: 'Ann' }],
	]);
});
