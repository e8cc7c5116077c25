// `deno check` this file: Deno must find dist/index.d.ts through the
// `/* @ts-self-types="./index.d.ts" */` header of dist/index.js. If the header were missing
// (for example stripped by the minifier) every import would be `any`, the typed lines would
// still pass, but the @ts-expect-error lines below would be unused and fail the check.
import { Mastodon, StreamListener } from '../../dist/index.js';

const mastodon = new Mastodon({ apiBaseUrl: 'https://mastodon.example', accessToken: 't' });

class Listener extends StreamListener {}
const handle = mastodon.streamUser(
  {
    onUpdate(status) {
      const acct: string = status.account.acct;
      console.log(acct);
    },
  },
  { runAsync: true },
);
const alive: boolean = handle.isAlive();
console.log(alive, new Listener());

// @ts-expect-error runAsnyc is not an option
mastodon.streamUser({}, { runAsnyc: true });

// @ts-expect-error onUpdate receives a Status, not a number
mastodon.streamUser({ onUpdate(s: number) { console.log(s); } }, { runAsync: true });
