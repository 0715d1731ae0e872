const { src, dest } = require('gulp');

// tsc emits only JavaScript; n8n loads icons and the node's codex JSON from beside the compiled files.
function copyAssets() {
	return src(['nodes/**/*.{svg,json}', 'credentials/**/*.svg'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

exports['build:assets'] = copyAssets;
