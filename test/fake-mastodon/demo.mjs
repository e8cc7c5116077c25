// Demo mode: a steady, realistic and deterministic (seeded) flow of posts, boosts, edits,
// deletes, notifications, conversations and announcements, for the playground.

const SENTENCES = [
  'Morning coffee and a fresh pull request. Good start to the day.',
  'Does anyone else name their houseplants? Mine is called Gerald.',
  'The fog over the harbour this morning was unreal.',
  'Finally fixed that off-by-one error. It was, of course, in the loop I swore was fine.',
  'Reminder that you can mute words and hashtags if the timeline gets noisy.',
  'Baked sourdough for the first time. It is flat, but it is mine.',
  'Our cat has discovered the radiator and will not be moving until April.',
  'Three hours of birdwatching, one heron. Worth it.',
  'Hot take: tabs for indentation, spaces for alignment.',
  'The library had a book sale and I have made some decisions.',
  'Cycling to work in the rain builds character, apparently.',
  'Testing the new camera lens on some autumn leaves.',
  'Is it just me or are the days getting shorter faster this year?',
  'Small web pages are a joy. Less JavaScript, more content.',
  'Learning to knit. Current progress: one extremely long scarf.',
  'Welcome to all the new folks who joined this week! 👋',
  'The sunset tonight turned the whole sky orange.',
  'Made a tiny synthesizer out of a microcontroller and some patience.',
  'Reading about the history of lighthouses and now I want to live in one.',
  'Our community garden produced a truly absurd number of courgettes.',
  'Accessibility tip: please add alt text to your images.',
  'Just discovered a café that plays only 70s jazz. Staying forever.',
  'Spent the weekend repairing an old radio. It hums, which counts.',
  'Thread: everything I learned migrating our servers this month. 🧵',
  'Moon photography attempt number twelve. Getting closer!',
  'If you see a very loud crow near the station, that is Kevin.',
  'Went for a walk and forgot my phone. Strangely relaxing.',
  'New blog post about streaming APIs and why heartbeats matter.',
  'The snow has arrived and so have the sledges.',
  'Rewrote my dotfiles again. No regrets. Some regrets.',
  'A pigeon just walked into the bakery like a regular customer.',
  'Tried a new hiking trail, got lost, found a waterfall.',
  'Friendly reminder to back up your data today.',
  'Tea is brewing, rain is falling, the code compiles. Bliss.',
  'My sourdough starter is older than some of my projects.',
  'Found an old film camera at the flea market. Let the experiments begin.',
];

// #cats and #dogs come up most often: they are the hashtags the playground and the dashboard
// example stream by default.
const TAGS = ['cats', 'dogs', 'cats', 'dogs', 'photography', 'fediverse', 'gardening', 'baking', 'birds', 'opensource', 'Caturday', 'hiking', 'music'];

/** Media the demo attaches: a description and the generated scene that shows it (scenes.mjs). */
const MEDIA = [
  ['A ginger cat asleep on a sunny windowsill.', 'cat'],
  ['A foggy harbour at dawn with two small boats.', 'harbour'],
  ['A loaf of bread with a slightly collapsed crust.', 'bread'],
  ['Autumn leaves in red and yellow on wet pavement.', 'leaves'],
  ['A heron standing in shallow water.', 'heron'],
  ['An orange sunset over rooftops.', 'sunset'],
];

// Notifications as a lively instance sends them: mostly favourites, boosts, follows and
// mentions; the administrative and rare kinds now and then.
const NOTIFICATION_MIX = /** @type {Array<[number, string]>} */ ([
  [34, 'favourite'], [22, 'reblog'], [16, 'follow'], [14, 'mention'], [4, 'status'], [2, 'update'], [2, 'poll'],
  [2, 'quote'], [1, 'follow_request'], [1, 'admin.sign_up'], [0.5, 'admin.report'], [0.5, 'quoted_update'],
  [0.25, 'moderation_warning'], [0.25, 'severed_relationships'],
]);

/** A small deterministic PRNG (mulberry32). @param {number} seed */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param {{ actions: ReturnType<typeof import('./actions.mjs').createActions>, store: import('./store.mjs').Store,
 *   ratePerSec: number, seed: number }} ctx
 */
export function startDemo(ctx) {
  const rand = seededRandom(ctx.seed);
  /** @template T @param {readonly T[]} arr @returns {T} */
  const pick = (arr) => /** @type {T} */ (arr[Math.floor(rand() * arr.length)]);
  const { actions } = ctx;
  const others = actions.accounts.slice(1);
  /** @type {string[]} recent status ids that may be boosted, edited or deleted */
  const recent = [];
  /** @type {string[]} */
  const announcements = [];

  function post() {
    const account = pick(others);
    const local = !account.acct.includes('@');
    const tags = rand() < 0.6 ? [pick(TAGS)] : rand() < 0.3 ? [pick(TAGS), pick(TAGS)].filter((t, i, a) => a.indexOf(t) === i) : [];
    const withMedia = rand() < 0.25;
    const mention = rand() < 0.15 ? [pick(actions.accounts)] : [];
    const media = withMedia ? [mediaFor(pick(MEDIA))] : undefined;
    const s = actions.postStatus({
      account, local, tags, text: pick(SENTENCES), mentions: mention, media_attachments: media,
      lists: rand() < 0.2 ? ['12'] : [], sensitive: false,
    });
    remember(s.id);
  }

  /** @param {string[]} entry a description and its scene */
  function mediaFor([description, scene]) {
    const id = ctx.store.mediaIds.next();
    const hue = Math.floor(rand() * 360);
    const base = new URL(actions.me.avatar).origin;
    const url = `${base}/media/${id}.svg?scene=${scene}&hue=${hue}`;
    return {
      id, type: 'image', url, preview_url: url, remote_url: null, preview_remote_url: null, text_url: null,
      meta: { original: { width: 640, height: 480, size: '640x480', aspect: 1.3333333333333333 } },
      description, blurhash: 'UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH',
    };
  }

  /** @param {string} id */
  function remember(id) {
    recent.push(id);
    if (recent.length > 50) recent.shift();
  }

  function boost() {
    const id = pick(recent);
    const original = id && ctx.store.getStatus(id);
    if (!original) return post();
    const s = actions.postStatus({ account: pick(others), reblog: original, text: '' });
    remember(s.id);
  }

  function edit() {
    const id = pick(recent);
    if (!id || !ctx.store.getStatus(id)) return post();
    actions.editStatus(id, { text: `${pick(SENTENCES)} (edited)` });
  }

  function del() {
    if (recent.length < 5) return post();
    const i = Math.floor(rand() * recent.length);
    const [id] = recent.splice(i, 1);
    if (id) actions.deleteStatus(id);
  }

  const notificationTotal = NOTIFICATION_MIX.reduce((a, [w]) => a + w, 0);
  function notification() {
    let r = rand() * notificationTotal;
    const [, type] = NOTIFICATION_MIX.find(([w]) => (r -= w) < 0) ?? [0, 'favourite'];
    actions.notify(type, { account: pick(others) });
  }

  function conversation() {
    actions.converse({ account: pick(others), text: pick(SENTENCES) });
  }

  function announcement() {
    const r = rand();
    if (announcements.length > 0 && r < 0.4) {
      actions.react({ announcement_id: pick(announcements), name: pick(['👍', '🎉', '❤️', 'blobcat']) });
    } else if (announcements.length > 2 && r < 0.6) {
      const id = announcements.shift();
      if (id) actions.unannounce(id);
    } else {
      announcements.push(actions.announce({ text: pick(['Maintenance window tonight at 22:00 UTC.', 'We upgraded to Mastodon 4.6.4!', 'Welcome to our new moderators.']) }).id);
    }
  }

  const table = /** @type {Array<[number, () => void]>} */ ([
    [52, post], [14, boost], [3, edit], [2, del], [25, notification], [2, conversation], [2, announcement],
  ]);
  const total = table.reduce((a, [w]) => a + w, 0);

  function tick() {
    let r = rand() * total;
    for (const [w, fn] of table) {
      if ((r -= w) < 0) {
        fn();
        return;
      }
    }
    post();
  }

  const interval = Math.max(1, Math.round(1000 / Math.max(0.001, ctx.ratePerSec)));
  // A few posts at once so that a fresh client has something to catch up on.
  for (let i = 0; i < 5; i++) post();
  const timer = setInterval(tick, interval);
  timer.unref?.();
  return {
    tick,
    stop() {
      clearInterval(timer);
    },
  };
}
