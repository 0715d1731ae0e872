import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentials, properties, subtitle } from './description';
import { route } from './actions/router';

export class ContactHub implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Contact Hub',
		name: 'contactHub',
		icon: { light: 'file:contactHub.svg', dark: 'file:contactHub.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle,
		description: 'Create, update or get a contact in Bland AI, LeadLex, OpenCX or Raze',
		defaults: {
			name: 'Contact Hub',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
