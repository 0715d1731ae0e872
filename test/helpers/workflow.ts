import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createDeferredPromise, createRunExecutionData, NodeHelpers, Workflow } from 'n8n-workflow';

import { PROVIDERS } from '../../nodes/ContactHub/providers/registry';
import { ContactHub } from '../../nodes/ContactHub/ContactHub.node';
import { TestCredentialsHelper } from './credentials-helper';

export const CONTACT_HUB_TYPE = 'n8n-nodes-contact-hub.contactHub';
const TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';

/** Stand-in for n8n's Manual Trigger (n8n-nodes-base is not a dependency): it passes its input on, as the real one does. */
class ManualTrigger implements INodeType {
	description = {
		displayName: 'When clicking ‘Execute workflow’',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: import('n8n-workflow').IExecuteFunctions) {
		return [this.getInputData()];
	}
}

/** Every credential type the node uses, from the provider registry, by type name. */
export const credentialTypes: Record<string, ICredentialType> = Object.fromEntries(
	PROVIDERS.map(({ credential }) => [credential.name, credential]),
);

/** The node's reference to each provider's credential, as a saved workflow holds them: one per provider of the registry. */
const CREDENTIAL_REFERENCES = Object.fromEntries(
	PROVIDERS.map(({ credential, label }, index) => [credential.name, { id: String(index + 1), name: `${label} account` }]),
);

const contactHub = new ContactHub();
const trigger = new ManualTrigger();
const builtInTypes: Record<string, INodeType | IVersionedNodeType> = {
	[CONTACT_HUB_TYPE]: contactHub,
	[TRIGGER_TYPE]: trigger,
};

/** Node types for a run: Contact Hub, the trigger, and any extra types (e.g. n8n's own nodes for benchmarks). */
function nodeTypesWith(extra: Record<string, INodeType | IVersionedNodeType>): INodeTypes {
	const types = { ...builtInTypes, ...extra };
	const get = (type: string) => {
		const found = types[type];
		if (!found) throw new Error(`unknown node type ${type}`);
		return found;
	};
	return {
		getByName: get,
		getByNameAndVersion: (type: string, version?: number) => NodeHelpers.getVersionedNodeType(get(type), version),
		getKnownTypes: () => ({}),
	};
}

/** Workflow JSON as n8n saves it: Manual Trigger → Contact Hub. */
export function contactHubWorkflow(
	parameters: IDataObject,
	settings: Partial<Pick<INode, 'onError' | 'retryOnFail' | 'continueOnFail'>> = {},
): IWorkflowBase {
	return {
		id: 'contact-hub-test',
		name: 'Contact Hub test',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [
			{
				id: 'trigger',
				name: 'Manual Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'contact-hub',
				name: 'Contact Hub',
				type: CONTACT_HUB_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'contact', operation: 'update', ...parameters } as INode['parameters'],
				// A copy per workflow: tests edit a workflow's credentials.
				credentials: structuredClone(CREDENTIAL_REFERENCES),
				...settings,
			},
		],
		connections: {
			'Manual Trigger': { main: [[{ node: 'Contact Hub', type: 'main', index: 0 }]] },
		},
		settings: {},
	} as unknown as IWorkflowBase;
}

/** What one Contact Hub run produced. */
export interface RunResult {
	/** Items on the node's main output. */
	items: INodeExecutionData[];
	/** Items on the error output, when On Error is "Continue (using error output)". */
	errorItems: INodeExecutionData[];
	/** The node's error when the workflow failed. */
	error?: Error & { description?: string; httpCode?: string; context?: IDataObject };
	run: IRun;
}

/** Runs a workflow through n8n-core's WorkflowExecute, with `items` fed into the Manual Trigger. */
export async function runWorkflow(
	workflowData: IWorkflowBase,
	items: IDataObject[],
	credentials: Record<string, ICredentialDataDecryptedObject>,
	extra: {
		nodeTypes?: Record<string, INodeType | IVersionedNodeType>;
		credentialTypes?: Record<string, ICredentialType>;
		resultNode?: string;
		/** Called once the execution runs, with what n8n's Stop does: cancel the execution. */
		onRunning?: (cancel: () => void) => void;
	} = {},
): Promise<RunResult> {
	const nodeTypes = nodeTypesWith(extra.nodeTypes ?? {});
	const workflow = new Workflow({
		id: workflowData.id,
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		active: false,
		nodeTypes,
		settings: workflowData.settings,
	});
	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', workflowData);
	const finished = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (run) => finished.resolve(run));

	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentialsHelper({ ...credentialTypes, ...extra.credentialTypes }, credentials),
		executionId: 'test-execution',
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		variables: {},
		setExecutionStatus: () => undefined,
		sendDataToUI: () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('no task runner in tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const start = workflow.getNode('Manual Trigger')!;
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node: start, data: { main: [items.map((json) => ({ json }))] }, source: null },
			],
		},
	});

	const execute = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	const running = execute.processRunExecutionData(workflow);
	extra.onRunning?.(() => running.cancel());
	await running;
	const run = await finished.promise;

	const runs = run.data.resultData.runData[extra.resultNode ?? 'Contact Hub'] ?? [];
	const nodeRun = runs[0];
	return {
		// A node inside a loop runs once per batch: its items are all runs' items, in order.
		items: runs.flatMap((one) => one.data?.main?.[0] ?? []),
		errorItems: nodeRun?.data?.main?.[1] ?? [],
		error: (nodeRun?.error ?? run.data.resultData.error) as RunResult['error'],
		run,
	};
}

/** Stops n8n-core's background timers so jest exits on its own. */
export function shutdownEngine(): void {
	Container.get(SSHClientsManager).onShutdown();
}
