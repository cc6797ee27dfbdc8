import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { fixtureSandbox, type Sandbox } from './helpers';

let box: Sandbox;
let engine: Engine;

before(async () => {
  box = fixtureSandbox();
  engine = await Engine.open(box.root, { cacheRoot: box.cache, model: 'none' });
  await engine.index();
});
after(async () => {
  await engine.close();
  box.dispose();
});

test('explain lists the definitions a method uses, its docs, similar code and its usages', async () => {
  // Router.dispatch (src/http/router.ts) calls parseQueryString.
  const explanation = await engine.explain('src/http/router.ts', 40, 40);
  assert.equal(explanation.subject?.name, 'dispatch');
  assert.deepEqual(explanation.subject?.container, ['Router']);
  const definitions = explanation.definitions.map((d) => d.name);
  assert.ok(definitions.includes('parseQueryString'), definitions.join(', '));
  assert.equal(new Set(explanation.definitions.map((d) => `${d.path}:${d.start_line}`)).size, explanation.definitions.length, 'no duplicates');
  assert.ok(explanation.docs.some((d) => d.path === 'docs/architecture.md'));
  assert.ok(explanation.similar.every((s) => !(s.path === 'src/http/router.ts' && s.name === 'dispatch')));
});

test('usages of a function are the chunks that call it', async () => {
  const explanation = await engine.explain('src/http/router.ts', 11, 11);
  assert.equal(explanation.subject?.name, 'parseQueryString');
  assert.ok(explanation.usages.some((u) => u.name === 'dispatch'));
});

test('a selection is explained by the identifiers it contains', async () => {
  const explanation = await engine.explain('server/app.py', 27, 27, 'limiter = RateLimiter(5, 10)\nsend_email(to, "hi", body)');
  const names = explanation.definitions.map((d) => d.name);
  assert.ok(names.includes('RateLimiter') && names.includes('send_email'), names.join(', '));
});
