// Tests that read data the repository does not hold: the recorded Mastodon 4.6.4 streams in
// ../shared/vectors (third-party, read in place, never copied). When the folder is absent these
// tests are not registered — and test/run.mjs names each of them and the reason in its summary,
// so they never just disappear; when it is present, run.mjs checks that each one ran and passed.
// Plain ESM: read by run.mjs (no compiler) and by test/core/vectors.test.ts.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from './setup/env.mjs';

/** Where the vectors are: $MASTODON_SHARED_VECTORS, else ../shared/vectors beside the repository. */
export const vectorsDir = resolve(process.env.MASTODON_SHARED_VECTORS ?? join(repoRoot, '..', 'shared', 'vectors'));

/** Each recorded file: the stream method that replays it and the exact listener calls it holds. */
export const VECTOR_FILES = {
  'test_stream_direct__direct.sse': { method: 'streamDirect', names: ['handleHeartbeat', 'onConversation'] },
  'test_stream_user_direct__direct.sse': { method: 'streamDirect', names: ['handleHeartbeat', 'onConversation', 'onConversation'] },
  'test_stream_user_direct__user.sse': {
    method: 'streamUser',
    names: ['handleHeartbeat', 'onUpdate', 'onNotification', 'onUpdate', 'onNotification', 'onStatusUpdate', 'onDelete'],
  },
  'test_stream_user_local__user.sse': { method: 'streamUser', names: ['handleHeartbeat', 'onUpdate'] },
};

export const VECTOR_MODES = ['whole', '1-byte writes'];

/** The titles of the tests test/core/vectors.test.ts registers when the vectors are there. */
export function vectorTestTitles() {
  const titles = [];
  for (const [file, { method, names }] of Object.entries(VECTOR_FILES)) {
    titles.push(`${file}: exactly ${names.join(', ')} — whole, byte by byte, split at every offset`);
    for (const mode of VECTOR_MODES) titles.push(`${file}: replayed over HTTP (${mode}) through ${method}`);
  }
  titles.push('test_stream_user_direct__user.sse: the 18-digit delete id arrives as the exact string');
  return titles;
}

/** Every extra: its test file, its titles, and whether its data is here (else why not). */
export function extras() {
  const present = existsSync(vectorsDir);
  return [
    {
      file: 'test/core/vectors.test.ts',
      what: 'recorded Mastodon 4.6.4 streams (third-party, read from ../shared/vectors, never copied)',
      titles: vectorTestTitles(),
      present,
      reason: present ? undefined : `${vectorsDir} does not exist (set MASTODON_SHARED_VECTORS or clone beside ../shared)`,
    },
  ];
}
