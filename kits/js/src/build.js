// `cxr-plugin build` and `cxr-plugin test`: a plugin project to a wasm
// component, and its unit tests under Node.
//
// A project is a folder with a package.json (`name`, `version`,
// `description`) and the plugin module, by default `src/plugin.ts` (or
// `.js`), whose default export is the plugin class. Optional settings in
// package.json:
//
//   "cxr": { "main": "src/plugin.ts", "engine": "quickjs", "out": "dist/NAME.wasm" }
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hooksOf, worldOf } from './hooks.js';
import { KIT_DIR, findPackage, importPackage, packageDir } from './resolve.js';

/** The engines, with the package and the version this kit is tested with. */
export const ENGINES = Object.freeze({
  quickjs: { package: 'componentize-qjs', version: '0.4.5' },
  // componentize-js imports preview2-shim without declaring it: both are installed by hand.
  starlingmonkey: { package: '@bytecodealliance/componentize-js', version: '0.23.0', also: '@bytecodealliance/preview2-shim@0.25.0' },
});
/** The engine used unless the project or the command line names another. */
export const DEFAULT_ENGINE = 'quickjs';

/** A problem with the project, said so that the user can fix it. */
export class BuildError extends Error {}

const kitPackage = JSON.parse(readFileSync(join(KIT_DIR, 'package.json'), 'utf8'));

/** What the build needs to know about a project. */
export function readProject(root, options = {}) {
  const manifest = join(root, 'package.json');
  if (!existsSync(manifest)) throw new BuildError(`${manifest} not found: a plugin project has a package.json`);
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  const cxr = pkg.cxr ?? {};
  if (!pkg.name || !pkg.version) throw new BuildError(`${manifest}: "name" and "version" are required (the plugin's name and version)`);
  const name = String(pkg.name).replace(/^@[^/]+\//, '');
  const main = cxr.main ?? ['src/plugin.ts', 'src/plugin.js', 'src/plugin.mts', 'src/plugin.mjs'].find((m) => existsSync(join(root, m)));
  if (!main || !existsSync(join(root, main))) {
    throw new BuildError(`${root}: no plugin module (src/plugin.ts or src/plugin.js, or "cxr": { "main": ... } in package.json)`);
  }
  const engine = options.engine ?? cxr.engine ?? DEFAULT_ENGINE;
  if (!(engine in ENGINES)) throw new BuildError(`unknown engine ${JSON.stringify(engine)} (expected ${Object.keys(ENGINES).join(' or ')})`);
  return {
    root,
    name,
    version: String(pkg.version),
    description: pkg.description ?? '',
    main: resolve(root, main),
    engine,
    out: resolve(root, options.out ?? cxr.out ?? `dist/${name}.wasm`),
    typescript: existsSync(join(root, 'tsconfig.json')),
  };
}

const work = (project, ...parts) => join(project.root, '.cxr', ...parts);

/** Runs tsc --noEmit on the project (when it has a tsconfig.json). */
export function typecheck(project, log = console.error) {
  if (!project.typescript) return;
  const ts = findPackage('typescript', [project.root, KIT_DIR]);
  if (!ts) throw new BuildError('typescript is not installed (it is a dependency of cxr-plugin: run `npm install`)');
  log(`checking types (tsc ${ts.version})`);
  const r = spawnSync(process.execPath, [join(ts.dir, 'bin', 'tsc'), '--noEmit', '-p', project.root], { stdio: 'inherit' });
  if (r.status !== 0) throw new BuildError('type errors (above): fix them, or build with --no-check');
}

async function esbuild() {
  const dir = packageDir('esbuild', KIT_DIR);
  if (!dir) throw new BuildError('esbuild is not installed (it is a dependency of cxr-plugin: run `npm install`)');
  return importPackage(dir);
}

/** The plugin class, loaded natively (its hooks decide the world). */
async function loadNatively(project) {
  const { build } = await esbuild();
  const outfile = work(project, 'native', 'plugin.mjs');
  await build({ entryPoints: [project.main], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'error', packages: 'external' });
  const mod = await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
  const Plugin = mod.default;
  if (typeof Plugin !== 'function' || typeof Plugin.configure !== 'function') {
    throw new BuildError(
      `${relative(project.root, project.main)}: the default export must be the plugin class, with a static configure(config) method`,
    );
  }
  const hooks = hooksOf(Plugin);
  if (hooks.length === 0) {
    throw new BuildError(`${Plugin.name}: no hook method (score, classify, prioritize or route) found on the class`);
  }
  return { Plugin, hooks };
}

/** The module componentized: the plugin, the kit's glue, the world's exports. */
async function bundleComponent(project, Plugin, hooks) {
  const { build } = await esbuild();
  const entry = work(project, 'entry.js');
  const info = { name: project.name, version: project.version, description: Plugin.description ?? project.description };
  const lines = [
    '// Written by cxr-plugin build: the exports of the world for this plugin\'s hooks.',
    `import Plugin from ${JSON.stringify(project.main)};`,
    `import { exportPlugin } from ${JSON.stringify(join(KIT_DIR, 'src', 'glue.js'))};`,
    `const exported = exportPlugin(Plugin, ${JSON.stringify(info)}, ${JSON.stringify(hooks)}, ${JSON.stringify(project.engine)});`,
    'export const lifecycle = exported.lifecycle;',
    ...hooks.map((h) => `export const ${h} = exported.${h};`),
    '',
  ];
  mkdirSync(dirname(entry), { recursive: true });
  writeFileSync(entry, lines.join('\n'));
  const outfile = work(project, 'component.js');
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // The kit's `#host` import resolves to the host's log import.
    conditions: ['cxr-component'],
    mainFields: ['module', 'main'],
    external: ['cxr:*', 'wasi:*'],
    outfile,
    logLevel: 'error',
    charset: 'utf8',
  });
  return outfile;
}

async function componentize(project, source, world) {
  const spec = ENGINES[project.engine];
  const found = findPackage(spec.package, [project.root, KIT_DIR]);
  if (!found) {
    throw new BuildError(
      project.engine === 'starlingmonkey'
        ? `the starlingmonkey engine needs ${spec.package}: npm install --save-dev ${spec.package}@${spec.version} ${spec.also}`
        : `${spec.package} is not installed (a dependency of cxr-plugin): run \`npm install\``,
    );
  }
  if (found.version !== spec.version) {
    throw new BuildError(`${spec.package} ${found.version} is installed; this kit builds with ${spec.version} (npm install ${spec.package}@${spec.version})`);
  }
  const witPath = join(KIT_DIR, 'wit');
  const engine = await importPackage(found.dir);
  if (project.engine === 'quickjs') {
    // --sync: the synchronous ABI (the host does not run the async one).
    const { component } = await engine.componentize({ witPath, world, jsSource: readFileSync(source, 'utf8'), jsPath: source, sync: true });
    return component;
  }
  // http and fetch-event off: otherwise the component imports wasi:http, which the host refuses.
  const { component } = await engine.componentize({ sourcePath: source, witPath, worldName: world, disableFeatures: ['http', 'fetch-event'] });
  return component;
}

/** Builds the project's component; returns what was built. */
export async function buildProject(root, options = {}) {
  const log = options.log ?? console.error;
  const project = readProject(resolve(root), options);
  if (options.check !== false) typecheck(project, log);
  const started = Date.now();
  const { Plugin, hooks } = await loadNatively(project);
  const world = worldOf(hooks);
  log(`building ${project.name} ${project.version}: hooks ${hooks.join(', ')} (world ${world}), engine ${project.engine}`);
  const source = await bundleComponent(project, Plugin, hooks);
  const component = await componentize(project, source, world);
  mkdirSync(dirname(project.out), { recursive: true });
  writeFileSync(project.out, component);
  const seconds = (Date.now() - started) / 1000;
  log(`built ${relative(process.cwd(), project.out) || project.out} (${(component.length / 1e6).toFixed(1)} MB) in ${seconds.toFixed(1)} s`);
  return { out: project.out, hooks, world, engine: project.engine, bytes: component.length, seconds };
}

function testFiles(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (statSync(p).isDirectory()) testFiles(p, out);
    else if (/\.test\.[cm]?[jt]s$/.test(name)) out.push(p);
  }
  return out;
}

/** Type-checks, then runs the project's unit tests (test/ and src/ `*.test.ts|js`) under `node --test`. */
export async function testProject(root, options = {}) {
  const log = options.log ?? console.error;
  const project = readProject(resolve(root), options);
  if (options.check !== false) typecheck(project, log);
  const files = [...testFiles(join(project.root, 'test')), ...testFiles(join(project.root, 'src'))];
  if (files.length === 0) throw new BuildError(`${project.root}: no test files (test/*.test.ts or .js)`);
  const { build } = await esbuild();
  const outdir = work(project, 'test');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: files,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir,
    outbase: project.root,
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
    sourcemap: 'inline',
  });
  const built = files.map((f) => join(outdir, relative(project.root, f)).replace(/\.[cm]?[jt]s$/, '.mjs'));
  const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', ...built], { stdio: 'inherit', cwd: project.root });
  return r.status ?? 1;
}

/** The kit's version and the engines' versions (`cxr-plugin --version`). */
export function versions() {
  return { 'cxr-plugin': kitPackage.version, ...Object.fromEntries(Object.values(ENGINES).map((e) => [e.package, e.version])) };
}
