#!/usr/bin/env node
// cxr-plugin: build and test cxr plugins written in TypeScript or JavaScript.
import { BuildError, DEFAULT_ENGINE, ENGINES, buildProject, testProject, versions } from '../src/build.js';

/** A mistake on the command line (exit status 2). */
class UsageError extends Error {}

const USAGE = `Usage: cxr-plugin <command> [options] [DIR]

Commands:
  build   type-check (TypeScript), bundle and componentize the plugin in DIR
          (default: .) to dist/NAME.wasm
  test    type-check, then run DIR's unit tests (test/*.test.ts|js) under node --test

Options:
  --engine quickjs|starlingmonkey   the JavaScript engine in the component
                                    (default: ${DEFAULT_ENGINE}, or "cxr": {"engine": ...} in package.json)
  --out FILE                        where build writes the component
  --no-check                        skip the TypeScript type check
  --version                         the kit's and the engines' versions

Engines: quickjs (${ENGINES.quickjs.package} ${ENGINES.quickjs.version}, a dependency of this kit)
         starlingmonkey (${ENGINES.starlingmonkey.package} ${ENGINES.starlingmonkey.version}: first
           npm install --save-dev ${ENGINES.starlingmonkey.package}@${ENGINES.starlingmonkey.version} ${ENGINES.starlingmonkey.also})

Exit status: 0 done; 1 the build or a test failed; 2 invalid usage.`;

function parse(argv) {
  const opts = { check: true };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--engine' || a === '--out') {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      opts[a.slice(2)] = argv[++i];
    } else if (a.startsWith('--engine=')) opts.engine = a.slice(9);
    else if (a.startsWith('--out=')) opts.out = a.slice(6);
    else if (a === '--no-check') opts.check = false;
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else rest.push(a);
  }
  return { opts, rest };
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === '--version' || command === 'version') {
    console.log(Object.entries(versions()).map(([k, v]) => `${k} ${v}`).join('\n'));
  } else if (command === 'build' || command === 'test') {
    const { opts, rest } = parse(args);
    if (rest.length > 1) throw new UsageError('one project folder at most');
    const dir = rest[0] ?? '.';
    if (command === 'build') await buildProject(dir, opts);
    else process.exitCode = await testProject(dir, opts);
  } else if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
  } else {
    console.error(`unknown command ${command}\n\n${USAGE}`);
    process.exitCode = 2;
  }
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`error: ${e.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (e instanceof BuildError) {
    console.error(`error: ${e.message}`);
    process.exitCode = 1;
  } else {
    throw e;
  }
}
