// Bundles src/ into dist/ (no CDN at run time). The Api project's build runs `npm ci && npm run build`
// when dist/ is missing or older than src/ and copies dist/ into its output as wwwroot/dashboard/.
import { build } from 'esbuild';
import { mkdir, copyFile, rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await mkdir('dist', { recursive: true });
const bundle = (entry, outfile, extra = {}) =>
  build({ entryPoints: [entry], bundle: true, minify: true, format: 'iife', target: 'es2020', outfile, ...extra });
await bundle('src/main.js', 'dist/app.js', { legalComments: 'linked' });
// The host-stand page (/ops/floor/): its own bundle in dist/floor/.
await mkdir('dist/floor', { recursive: true });
await bundle('src/floor/main.js', 'dist/floor/app.js');
await copyFile('src/floor/index.html', 'dist/floor/index.html');
await copyFile('src/floor/floor.css', 'dist/floor/floor.css');
await copyFile('src/index.html', 'dist/index.html');
await copyFile('src/app.css', 'dist/app.css');
console.log('dashboard and floor page built into web/dist');
