// One flat config: n8n's community-node rules (the same sets @n8n/scan-community-package
// enforces) on the shipped sources, and typescript-eslint's recommended rules everywhere else.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const shipped = ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'];

export default defineConfig(
	globalIgnores(['dist/**', 'coverage/**', '**/node_modules/**', 'e2e/.n8n*/**', 'tmp/**']),
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
		rules: {
			// Interface implementations keep unused parameters, prefixed with _.
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
		},
	},
	{
		files: ['**/*.{js,mjs,cjs}'],
		extends: [js.configs.recommended],
		languageOptions: { globals: { ...globals.node } },
	},
	{
		files: ['**/*.json'],
		languageOptions: { parser: tseslint.parser },
	},
	{
		...n8nCommunityNodesPlugin.configs.recommended,
		files: shipped,
	},
	{
		files: shipped,
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { 'no-console': 'error' },
	},
	{
		files: ['package.json'],
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Community credentials link to the vendor's docs, not to docs.n8n.io.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// Covered more precisely by @n8n/community-nodes/credential-password-field.
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// Inputs and outputs use NodeConnectionTypes rather than the string "main".
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
);
