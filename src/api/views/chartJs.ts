/**
 * Chart.js (the `chart.js` package, pinned in package.json): its UMD build as the installed package
 * ships it, read once from node_modules and served from this app like every page file (clinic
 * machines may have no internet, and the Content-Security-Policy allows only this server's scripts).
 * It defines the global `Chart` the Numbers page's script draws with.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** `chart.umd.min.js` of the installed chart.js package. */
export const CHART_JS = readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
