// The published declarations (dist/*.d.ts) declare only what exists in the JavaScript, and the
// client shows its token nowhere. Issue 12, "the seam between client and transports".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { requireDist } from '../runtimes/scenario.js';

const dist = join(import.meta.dirname, '..', '..', 'dist');

/** Each class's declared members (names), from a .d.ts. */
const declaredClasses = (file: string): Map<string, string[]> => {
  const src = ts.createSourceFile(file, readFileSync(join(dist, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const out = new Map<string, string[]>();
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) && node.name) {
      const names: string[] = [];
      for (const m of node.members) if (m.name && !ts.isPrivateIdentifier(m.name)) names.push(m.name.getText(src));
      out.set(node.name.text, names);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out;
};

describe('published .d.ts', () => {
  for (const file of ['index.d.ts', 'sse.d.ts']) {
    test(`${file}: no member the minifier renames, and no internal type`, () => {
      requireDist();
      const text = readFileSync(join(dist, file), 'utf8');
      const classes = declaredClasses(file);
      expect(classes.size).toBeGreaterThan(5);
      // Every `_name` member is renamed by mangleProps: declaring one lets a call or an override
      // compile that does nothing (or throws) at run time.
      const mangled = [...classes].flatMap(([cls, names]) => names.filter((n) => n.startsWith('_')).map((n) => `${cls}.${n}`));
      expect(mangled).toEqual([]);
      for (const internal of ['Stream', 'Dispatcher', 'EventGate', 'Transport', 'ConnectionHooks', 'ClientContext', 'WsTransport']) {
        expect(text, internal).not.toMatch(new RegExp(`(class|interface|type) ${internal}\\b`));
      }
    });
  }

  test('every member declared on Mastodon exists on a client (both entries)', async () => {
    requireDist();
    for (const [file, js] of [['index.d.ts', 'index.js'], ['sse.d.ts', 'sse.js']] as const) {
      const { Mastodon } = await import(join(dist, js));
      const client = new Mastodon({ apiBaseUrl: 'https://mastodon.example', accessToken: 'tok' });
      const classes = declaredClasses(file);
      const declared = [...classes].filter(([name]) => /^Mastodon(\$\d+)?$/.test(name)).flatMap(([, names]) => names);
      expect(declared).toContain('streamUser');
      expect(declared).toContain('streamHealthy');
      const missing = declared.filter((n) => n != 'constructor' && !(n in client));
      expect(missing, file).toEqual([]);
    }
  });
});

describe('the client keeps its token private', () => {
  test('console.log / util.inspect / JSON.stringify / own keys of a client never show the token', async () => {
    requireDist();
    const token = 'SECRET-token-0123456789';
    for (const js of ['index.js', 'sse.js']) {
      const { Mastodon } = await import(join(dist, js));
      for (const transport of js == 'index.js' ? ['sse', 'websocket'] : ['sse']) {
        const client = new Mastodon({ apiBaseUrl: 'https://mastodon.example', accessToken: token, transport, userAgent: 'ua' });
        const shown = [
          inspect(client, { depth: Infinity, showHidden: true, getters: true }),
          JSON.stringify(client),
          String(Object.keys(client).map((k) => String(client[k]))),
          inspect(Object.getOwnPropertyDescriptors(client), { depth: Infinity }),
        ].join('\n');
        expect(shown).not.toContain(token);
        expect(shown).toContain('https://mastodon.example');
      }
    }
  });
});
