// The plugin's logic, tested under Node: `npm test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { {{test_uses}} } from 'cxr-plugin';
import {{type}} from '../src/plugin.ts';
{{tests}}
