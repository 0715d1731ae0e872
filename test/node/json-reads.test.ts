/**
 * Plain `$json` reads are taken from the item without n8n's expression sandbox: for every expression
 * and item here, what the node reads must equal what n8n's getNodeParameter resolves, through n8n's
 * own engine. Any other expression must still go to n8n.
 */
import type { IDataObject, IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { jsonReadPath, parameterReader } from '../../nodes/ContactHub/engine/parameters';
import { runWorkflow, shutdownEngine } from '../helpers/workflow';

afterAll(() => shutdownEngine());

const EXPRESSIONS = [
	'={{ $json.id }}',
	'={{$json.id}}',
	'={{ $json.name }}',
	'={{ $json.missing }}',
	'={{ $json.nested.deep }}',
	'={{ $json.nested.missing.deeper }}',
	'={{ $json["first name"] }}',
	"={{ $json['first name'] }}",
	'={{ $json.tags }}',
	'={{ $json.obj }}',
	'={{ $json.nullValue }}',
	'={{ $json.flag }}',
	'={{ $json.zero }}',
	'={{ $json.empty }}',
	'={{ $json.id.length }}',
	'={{ $json.toString }}',
	'={{ $json.constructor }}',
];

const ITEMS: IDataObject[] = [
	{ id: 'c-1', name: 'Ann', nested: { deep: 'x' }, 'first name': 'Ann B', tags: ['a', 'b'], obj: { k: 1, inner: { z: [1, 2] } }, nullValue: null, flag: true, zero: 0, empty: '' },
	{ id: 42, name: 7, nested: 'not an object', tags: [], obj: {}, flag: false },
	{},
];

/** A node that outputs, per item, what n8n resolves and what Contact Hub's reader reads, for every expression. */
class Probe implements INodeType {
	description = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'Compares parameter reads',
		defaults: { name: 'Probe' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			...EXPRESSIONS.map((_, index) => ({ displayName: `P${index}`, name: `p${index}`, type: 'string', default: '' })),
			{ displayName: 'Collection', name: 'collection', type: 'collection', default: {}, options: [
				{ displayName: 'A', name: 'a', type: 'string', default: '' },
				{ displayName: 'B', name: 'b', type: 'string', default: '' },
			] },
		],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions) {
		const read = parameterReader(this);
		const names = [...EXPRESSIONS.map((_, index) => `p${index}`), 'collection'];
		// An expression n8n refuses (a function) must be refused the same way.
		const attempt = (get: () => unknown) => {
			try {
				return { value: get() ?? null };
			} catch (error) {
				return { error: (error as Error).message };
			}
		};
		return [
			this.getInputData().map((_, itemIndex) => ({
				json: Object.fromEntries(
					names.map((name) => [name, { n8n: attempt(() => this.getNodeParameter(name, itemIndex)), ours: attempt(() => read(name, itemIndex)) }]),
				) as IDataObject,
			})),
		];
	}
}

test('each plain $json read gives what n8n resolves, for every item', async () => {
	const parameters = Object.fromEntries(EXPRESSIONS.map((expression, index) => [`p${index}`, expression]));
	const workflow = {
		id: 'probe',
		name: 'probe',
		active: false,
		nodes: [
			{ id: 't', name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'p',
				name: 'Probe',
				type: 'test.probe',
				typeVersion: 1,
				position: [200, 0],
				parameters: { ...parameters, collection: { a: '={{ $json.name }}', b: '={{ $json.obj }}' } },
			},
		],
		connections: { 'Manual Trigger': { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
		settings: {},
	};
	const result = await runWorkflow(workflow as never, ITEMS, {}, { nodeTypes: { 'test.probe': new Probe() }, resultNode: 'Probe' });
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(ITEMS.length);
	for (const item of result.items) {
		for (const [name, pair] of Object.entries(item.json)) {
			const { n8n, ours } = pair as { n8n: unknown; ours: unknown };
			expect({ name, read: ours }).toEqual({ name, read: n8n });
		}
	}
});

test('only plain reads are taken directly; anything else goes to n8n', () => {
	expect(jsonReadPath('={{ $json.customer.id }}')).toEqual(['customer', 'id']);
	expect(jsonReadPath('={{ $json["first name"] }}')).toEqual(['first name']);
	expect(jsonReadPath("={{ $json['a'].b }}")).toEqual(['a', 'b']);
	for (const other of ['={{ $json.id + 1 }}', '=id-{{ $json.id }}', '={{ $json.tags[0] }}', '={{ $json.labels.join(", ") }}', '={{ $("Trigger").item.json.id }}', '={{ $json }}', "={{ $fromAI('email') }}", '={{ $json.a }} {{ $json.b }}', '={{ $json.id.toUpperCase() }}']) {
		expect({ other, path: jsonReadPath(other) }).toEqual({ other, path: undefined });
	}
});
