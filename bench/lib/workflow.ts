import type { IConnections, INode, IWorkflowBase } from 'n8n-workflow';

/** Workflow JSON as n8n saves it: a Manual Trigger named "Manual Trigger", then `nodes`. */
export function benchWorkflow(id: string, name: string, nodes: Array<Partial<INode>>, connections: IConnections): IWorkflowBase {
	return {
		id,
		name,
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [
			{ id: 'trigger', name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			...nodes,
		],
		connections,
		settings: {},
	} as unknown as IWorkflowBase;
}
