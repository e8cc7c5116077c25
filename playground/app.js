// The playground page: plain JavaScript on top of the script-tag build (global MastodonStreaming).
(() => {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const lib = window.MastodonStreaming;
  const MAX_CARDS = 150;
  const MAX_LOG = 200;

  /** Server-provided demo settings (/config.json), or null when there is no demo server. */
  let demo = null;
  /** The user's own instance: kept in memory; in sessionStorage only when they tick the box. */
  let real = null;
  let handle = null;
  let generation = 0;
  /** onAbort ran and its follow-up (the reconnect line) has not yet: the poll leaves the state log alone. */
  let abortPending = false;
  let lastState = '';
  let reconnects = 0;
  let lastHeartbeat = 0;
  let handleTransport = 'sse';
  /** The handle's catchUp is on: a reconnect fills what the stream missed. */
  let handleCatchUp = false;
  /** Where the demo stream's position is kept (sessionStorage: this tab only; never the token); null: not kept. */
  let positionKey = null;
  /**
   * After a reconnect, or a start from a saved position, while the catch-up fills: when the
   * stream was seen open again (0: not yet), how many missed events it filled (those written
   * before that), and their log line.
   */
  let resume = null;
  let paused = false;
  const counts = new Map();
  let countsDirty = false;
  const perSecond = new Array(60).fill(0);
  let thisSecond = 0;

  // ---- Safe rendering of Mastodon's HTML ----------------------------------------------------

  // Mastodon content is HTML written by strangers. It is parsed in an inert document (no
  // script runs, nothing loads) and rebuilt from scratch with a handful of elements: p, br, a
  // (http/https href only) and span, with only the class names Mastodon's own markup uses.
  const KEEP = new Set(['p', 'br', 'a', 'span']);
  const DROP = new Set(['script', 'style', 'template', 'iframe', 'object', 'embed', 'noscript', 'textarea', 'title', 'svg', 'math', 'head']);
  const CLASSES = new Set(['invisible', 'ellipsis', 'mention', 'hashtag', 'u-url', 'h-card']);

  function safeHref(href) {
    if (!href) return null;
    try {
      const u = new URL(href);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
    } catch {
      return null;
    }
  }

  function copyClean(from, to, depth) {
    if (depth > 20) return;
    for (const n of from.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) to.append(n.data);
      else if (n.nodeType === Node.ELEMENT_NODE) {
        const tag = n.localName.toLowerCase();
        if (DROP.has(tag)) continue;
        if (!KEEP.has(tag)) {
          copyClean(n, to, depth + 1); // unknown element: keep its text, drop the element
          continue;
        }
        const el = document.createElement(tag);
        if (tag === 'a') {
          const href = safeHref(n.getAttribute('href'));
          if (href) {
            el.href = href;
            el.rel = 'nofollow noopener noreferrer ugc';
            el.target = '_blank';
          }
        }
        const cls = (n.getAttribute('class') || '').split(/\s+/).filter((c) => CLASSES.has(c));
        if (cls.length) el.className = cls.join(' ');
        copyClean(n, el, depth + 1);
        to.append(el);
      }
    }
  }

  function sanitize(html) {
    const frag = document.createDocumentFragment();
    if (typeof html !== 'string' || !html) return frag;
    const doc = new DOMParser().parseFromString(html, 'text/html');
    copyClean(doc.body, frag, 0);
    return frag;
  }

  /** A small element helper: h('p', {class: 'x'}, 'text', child). Text goes in as text, never HTML. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== undefined && c !== null && c !== false) el.append(c);
    return el;
  }

  const fmtTime = (iso) => {
    const d = iso ? new Date(iso) : new Date();
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString();
  };

  function avatar(account) {
    const src = safeHref(account && (account.avatar_static || account.avatar));
    return src
      ? h('img', { class: 'avatar', src, alt: '', width: 44, height: 44, loading: 'lazy', referrerpolicy: 'no-referrer' })
      : h('span', { class: 'avatar', 'aria-hidden': 'true' });
  }

  const displayName = (a) => (a && (a.display_name || a.username)) || 'Someone';

  function who(account) {
    return h('span', { class: 'who' }, h('strong', { class: 'name' }, displayName(account)), ' ', h('span', { class: 'acct' }, '@' + ((account && account.acct) || '?')));
  }

  /** The part of a card that shows one status; edits replace it, deletes blank it. */
  function statusBlock(status) {
    const block = h('div', { class: 'status', 'data-sid': status.id });
    if (status.spoiler_text) block.append(h('p', { class: 'cw' }, 'CW: ', status.spoiler_text));
    const content = h('div', { class: 'content', lang: status.language || undefined });
    content.append(sanitize(status.content));
    block.append(content);
    const media = Array.isArray(status.media_attachments) ? status.media_attachments : [];
    if (media.length) {
      const list = h('ul', { class: 'media', 'aria-label': 'Attachments' });
      for (const m of media.slice(0, 4)) list.append(mediaItem(m, !!status.sensitive));
      block.append(list);
    }
    const tags = Array.isArray(status.tags) ? status.tags.map((t) => '#' + t.name).join(' ') : '';
    if (status.edited_at) block.append(h('p', { class: 'edited' }, 'Edited ', h('time', { datetime: status.edited_at }, fmtTime(status.edited_at))));
    if (tags && !status.content) block.append(h('p', { class: 'tags' }, tags));
    return block;
  }

  // ---- Media: the picture, over its blurhash while it loads (alone when sensitive) ------------

  const B83 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';
  const d83 = (str) => [...str].reduce((v, c) => v * 83 + B83.indexOf(c), 0);
  const toLinear = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const toSrgb = (v) => Math.round(255 * Math.min(1, Math.max(0, v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055)));
  const blurCache = new Map();

  /** A blurhash (the colour summary Mastodon sends with each attachment) as a data: URL, or ''. */
  function blurhashUrl(hash) {
    if (typeof hash !== 'string' || hash.length < 6 || [...hash].some((c) => !B83.includes(c))) return '';
    if (blurCache.has(hash)) return blurCache.get(hash);
    const size = d83(hash[0]);
    const nx = (size % 9) + 1;
    const ny = Math.floor(size / 9) + 1;
    if (hash.length !== 4 + 2 * nx * ny) return '';
    const max = (d83(hash[1]) + 1) / 166;
    const dc = d83(hash.slice(2, 6));
    const colors = [[toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]];
    const ac = (q) => Math.sign(q - 9) * ((q - 9) / 9) ** 2 * max;
    for (let i = 1; i < nx * ny; i++) {
      const v = d83(hash.slice(4 + i * 2, 6 + i * 2));
      colors.push([ac(Math.floor(v / 361)), ac(Math.floor(v / 19) % 19), ac(v % 19)]);
    }
    const w = 32, hgt = 24;
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = hgt;
    const ctx = canvas.getContext('2d');
    if (!ctx) return '';
    const img = ctx.createImageData(w, hgt);
    for (let y = 0; y < hgt; y++) {
      for (let x = 0; x < w; x++) {
        const c = [0, 0, 0];
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const basis = Math.cos((Math.PI * x * i) / w) * Math.cos((Math.PI * y * j) / hgt);
            const k = colors[i + j * nx];
            c[0] += k[0] * basis;
            c[1] += k[1] * basis;
            c[2] += k[2] * basis;
          }
        }
        const o = 4 * (x + y * w);
        img.data.set([toSrgb(c[0]), toSrgb(c[1]), toSrgb(c[2]), 255], o);
      }
    }
    ctx.putImageData(img, 0, 0);
    const url = canvas.toDataURL();
    blurCache.set(hash, url);
    return url;
  }

  function mediaItem(m, sensitive) {
    const desc = m.description || 'No description';
    const src = safeHref(m.preview_url || m.url);
    const blur = blurhashUrl(m.blurhash);
    const style = blur ? `background-image: url("${blur}")` : undefined;
    let picture = null;
    if (sensitive || !src || m.type !== 'image') {
      // Nothing to load, or nothing to show unasked: the blurhash stands in for the picture.
      picture = blur ? h('img', { src: blur, alt: desc }) : null;
    } else {
      picture = h('img', { src, alt: desc, style, width: 240, height: 180, loading: 'lazy', referrerpolicy: 'no-referrer' });
    }
    // The description is the picture's alt text; the badge shows sighted users that it has one.
    return h('li', null,
      picture,
      sensitive ? h('span', { class: 'sensitive' }, 'Sensitive') : null,
      m.description ? h('span', { class: 'alt-badge', title: desc, 'aria-hidden': 'true' }, 'ALT') : null);
  }

  function card(kind, label, account, when, ...body) {
    return h('li', { class: 'card', 'data-kind': kind },
      avatar(account),
      h('div', { class: 'card-body' },
        h('p', { class: 'meta' },
          h('span', { class: 'type' }, label), ' ',
          account ? who(account) : null, ' ',
          h('time', { datetime: when || new Date().toISOString() }, fmtTime(when))),
        ...body));
  }

  function addCard(el) {
    if (paused) return;
    const feed = $('feed');
    feed.prepend(el);
    while (feed.children.length > MAX_CARDS) feed.lastElementChild.remove();
  }

  const byStatusId = (id) => $('feed').querySelectorAll(`.status[data-sid="${CSS.escape(id)}"]`);

  function statusCard(status, kind) {
    if (status.reblog) {
      const el = card(kind, 'Boost', status.account, status.created_at,
        h('p', { class: 'boosted' }, '🔁 boosted ', who(status.reblog.account)),
        statusBlock(status.reblog));
      el.dataset.boostId = status.id;
      return el;
    }
    return card(kind, kind === 'status.update' ? 'Edited' : 'Post', status.account, status.created_at, statusBlock(status));
  }

  // Badges in words a Mastodon user knows, not the enum names the server sends.
  const NOTIFICATION_LABEL = {
    mention: 'Mention',
    status: 'New post',
    reblog: 'Boosted you',
    follow: 'New follower',
    follow_request: 'Follow request',
    favourite: 'Favourite',
    poll: 'Poll ended',
    update: 'Edited',
    'admin.sign_up': 'New sign-up',
    'admin.report': 'New report',
    severed_relationships: 'Connections severed',
    moderation_warning: 'Moderation warning',
    quote: 'Quoted you',
    quoted_update: 'Quote edited',
  };
  const labelFor = (type) => NOTIFICATION_LABEL[type] || 'Notification';

  const NOTIFICATION_TEXT = {
    mention: 'mentioned you',
    status: 'posted',
    reblog: 'boosted your post',
    follow: 'followed you',
    follow_request: 'asked to follow you',
    favourite: 'favourited your post',
    poll: 'a poll ended',
    update: 'edited a post',
    'admin.sign_up': 'signed up',
    'admin.report': 'filed a report',
    severed_relationships: 'some of your follow relationships were severed',
    moderation_warning: 'you received a moderation warning',
    quote: 'quoted your post',
    quoted_update: 'edited a post that quotes yours',
  };

  // ---- The listener ------------------------------------------------------------------------

  function makeListener(gen) {
    const live = () => gen === generation;
    return {
      onAnyEvent(name, payload) {
        if (!live()) return;
        counts.set(name, (counts.get(name) || 0) + 1);
        countsDirty = true;
        thisSecond++;
        if (resume) missed(payload);
      },
      onUpdate(status) {
        if (live()) addCard(statusCard(status, 'update'));
      },
      onStatusUpdate(status) {
        if (!live()) return;
        const shown = byStatusId(status.id);
        for (const old of shown) {
          const next = statusBlock(status);
          old.replaceWith(next);
          const c = next.closest('.card');
          c.classList.remove('flash');
          void c.offsetWidth;
          c.classList.add('flash', 'was-edited');
        }
        if (!shown.length) addCard(statusCard(status, 'status.update'));
      },
      onDelete(id) {
        if (!live()) return;
        const gone = [...byStatusId(id), ...$('feed').querySelectorAll(`.card[data-boost-id="${CSS.escape(id)}"]`)];
        for (const el of gone) {
          const c = el.closest('.card');
          c.classList.add('deleted');
          c.querySelector('.type').textContent = 'Deleted';
          const block = c.querySelector('.status');
          if (block) block.replaceChildren(h('p', { class: 'gone' }, `This post (${id}) was deleted.`));
        }
        if (!gone.length) addCard(card('delete', 'Deleted', null, null, h('p', { class: 'gone' }, `Post ${id} was deleted (not shown here).`)));
      },
      onNotification(n) {
        if (!live()) return;
        const text = NOTIFICATION_TEXT[n.type] || n.type;
        const el = card('notification', labelFor(n.type), n.account, n.created_at, h('p', { class: 'what' }, text), n.status ? statusBlock(n.status) : null);
        addCard(el);
      },
      onConversation(c) {
        if (!live()) return;
        const last = c.last_status;
        const names = (c.accounts || []).map(displayName).join(', ');
        addCard(card('conversation', 'Direct', last ? last.account : (c.accounts || [])[0], last && last.created_at,
          h('p', { class: 'what' }, `Conversation with ${names || 'nobody'}${c.unread ? ' (unread)' : ''}`),
          last ? statusBlock(last) : null));
      },
      onAnnouncement(a) {
        if (!live()) return;
        const content = h('div', { class: 'content' });
        content.append(sanitize(a.content));
        const el = card('announcement', 'Announcement', null, a.published_at || a.updated_at, content);
        el.dataset.announcementId = a.id;
        addCard(el);
      },
      onAnnouncementReaction(r) {
        if (live()) addCard(card('reaction', 'Reaction', null, null, h('p', null, `${r.name} ×${r.count} on announcement ${r.announcement_id}`)));
      },
      onAnnouncementDelete(id) {
        if (!live()) return;
        const shown = $('feed').querySelectorAll(`.card[data-announcement-id="${CSS.escape(id)}"]`);
        for (const c of shown) {
          c.classList.add('deleted');
          c.querySelector('.type').textContent = 'Announcement withdrawn';
        }
        if (!shown.length) addCard(card('delete', 'Announcement withdrawn', null, null, h('p', null, `Announcement ${id} was withdrawn.`)));
      },
      onFiltersChanged() {
        if (live()) addCard(card('filters', 'Filters changed', null, null, h('p', null, 'Your filters changed.')));
      },
      onUnknownEvent(name, payload) {
        if (!live()) return;
        const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
        addCard(card('unknown', name, null, null, h('p', { class: 'raw' }, (text || '').slice(0, 300))));
      },
      handleHeartbeat() {
        if (!live()) return;
        lastHeartbeat = Date.now();
        // SSE greets a new connection with a heartbeat: the stream is open again.
        if (resume) resume.at ||= lastHeartbeat;
      },
      onAbort(err) {
        if (!live()) return;
        log(`onAbort: ${describe(err)}`, 'error');
        if (handleCatchUp) resume = { at: 0, n: 0, line: null };
        // After onAbort the handle either reconnects or stops; look once the call has returned,
        // and log the state it is really in (the poll then logs each later change). Until then
        // the poll logs no state change, so the log always reads abort → reconnecting → state.
        abortPending = true;
        setTimeout(() => {
          abortPending = false;
          if (gen !== generation || !handle || !handle.isAlive()) return;
          reconnects++;
          $('ind-reconnects').textContent = String(reconnects);
          log(`Reconnecting (reconnect #${reconnects})`, 'reconnect');
          const state = stateOf(handle);
          if (state !== lastState) log(`State: ${lastState || 'open'} → ${state}`, 'state');
          lastState = state;
        }, 0);
      },
      onCatchUpGap(gap) {
        if (live()) log(`Catch-up gap on ${gap.timeline}: ${gap.reason}`, 'error');
      },
      onPosition(position) {
        if (live() && positionKey) sessionStorage.setItem(positionKey, JSON.stringify(position));
      },
      onListenerError(err, name) {
        log(`The page's handler for ${name} threw: ${describe(err)}`, 'error');
      },
    };
  }

  /**
   * An event delivered after a reconnect (or a resumed start): written before the stream was
   * open again, it is one the catch-up filled, and the log line counts it; the first one written
   * later is live, so the fill is over (the library delivers the catch-up first). Events without
   * a time (deletes) count neither way. When the stream was open again is what the page sees:
   * SSE's greeting heartbeat, else the state poll (every 250 ms) or the first event, so over
   * WebSocket an event written in the moment after the reopen may count as missed.
   */
  function missed(payload) {
    const written = Date.parse((payload && (payload.created_at || (payload.last_status && payload.last_status.created_at))) || '');
    resume.at ||= Date.now();
    if (written >= resume.at) resume = null;
    else if (written < resume.at) {
      const text = `Resumed: ${++resume.n} missed event${resume.n === 1 ? '' : 's'} filled`;
      if (resume.line) resume.line.lastChild.data = text;
      else resume.line = log(text, 'reconnect');
    }
  }

  function describe(err) {
    if (!err) return 'unknown error';
    let s = `${err.name || 'Error'}: ${err.message || String(err)}`;
    if (err.status !== undefined && !String(err.message).includes(String(err.status))) s += ` (HTTP ${err.status})`;
    if (err.retryAfterSec) s += `, Retry-After ${err.retryAfterSec} s`;
    return s;
  }

  // ---- Log, indicators, counters, chart ------------------------------------------------------

  function log(message, kind = 'info') {
    const ol = $('log');
    const now = new Date();
    const li = h('li', { class: 'log-' + kind, 'data-kind': kind }, h('time', { datetime: now.toISOString() }, now.toTimeString().slice(0, 8)), ' ', message);
    ol.prepend(li);
    while (ol.children.length > MAX_LOG) ol.lastElementChild.remove();
    return li;
  }

  const STATE_TEXT = { connecting: 'Connecting…', open: 'Open', waiting: 'Waiting to reconnect', closed: 'Closed' };

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function stateOf(h) {
    if (!h) return 'none';
    if (typeof h.state === 'string') return h.state;
    return h.isReceiving() ? 'open' : h.isAlive() ? 'connecting' : 'closed';
  }

  function pollIndicators() {
    const state = stateOf(handle);
    const alive = !!handle && handle.isAlive();
    const receiving = !!handle && handle.isReceiving();
    const st = $('ind-state');
    st.dataset.state = state;
    setText(st, state === 'none' ? 'Not connected' : `State: ${STATE_TEXT[state] || state}`);
    $('ind-alive').dataset.on = String(alive);
    setText($('ind-alive'), `isAlive(): ${alive}`);
    $('ind-receiving').dataset.on = String(receiving);
    setText($('ind-receiving'), `isReceiving(): ${receiving}`);
    // Open again after a reconnect (over SSE the greeting heartbeat tells it sooner).
    if (resume && !resume.at && state === 'open' && !abortPending) resume.at = Date.now();
    if (handle && state !== lastState && !abortPending) {
      if (lastState) log(`State: ${lastState} → ${state}`, 'state');
      lastState = state;
    }
    setText($('ind-heartbeat'), lastHeartbeat
      ? `${Math.round((Date.now() - lastHeartbeat) / 1000)} s ago (${new Date(lastHeartbeat).toLocaleTimeString()})`
      // WebSocket keep-alive is ping/pong frames, which browsers never show to scripts.
      : handle && handleTransport === 'websocket' ? 'hidden (WebSocket pings)' : 'never');
    if (countsDirty) renderCounters();
  }

  function renderCounters() {
    countsDirty = false;
    const dl = $('counters');
    dl.replaceChildren();
    for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      dl.append(h('div', { class: 'counter', 'data-event': name }, h('dt', null, name), h('dd', null, String(n))));
    }
    if (!counts.size) dl.append(h('div', { class: 'counter' }, h('dt', null, 'no events yet'), h('dd', null, '0')));
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function renderChart() {
    perSecond.shift();
    perSecond.push(thisSecond);
    thisSecond = 0;
    const svg = $('chart');
    const peak = Math.max(1, ...perSecond);
    const total = perSecond.reduce((a, b) => a + b, 0);
    svg.replaceChildren();
    perSecond.forEach((v, i) => {
      if (!v) return;
      const r = document.createElementNS(SVG, 'rect');
      const hgt = (v / peak) * 74;
      r.setAttribute('x', String(i * 5 + 0.5));
      r.setAttribute('y', String(80 - hgt));
      r.setAttribute('width', '4');
      r.setAttribute('height', String(hgt));
      svg.append(r);
    });
    const base = document.createElementNS(SVG, 'line');
    base.setAttribute('x1', '0');
    base.setAttribute('x2', '300');
    base.setAttribute('y1', '79.5');
    base.setAttribute('y2', '79.5');
    svg.append(base);
    setText($('chart-caption'), `Events per second, last 60 s: ${total} events, peak ${Math.max(...perSecond)}/s, last second ${perSecond[59]}/s`);
  }

  // ---- Connecting ----------------------------------------------------------------------------

  function currentSource() {
    return $('source-real').checked ? 'real' : 'demo';
  }

  /** The number in a field, or an Error naming the field: a bad value is never replaced silently. */
  function numberFrom(id, name, min) {
    const input = $(id);
    const raw = input.value.trim();
    const v = Number(raw);
    const ok = raw !== '' && Number.isFinite(v) && v >= min;
    input.setAttribute('aria-invalid', String(!ok));
    if (!ok) throw new Error(`${name} must be a number of seconds, at least ${min} (it is ${raw === '' ? 'empty' : JSON.stringify(raw)})`);
    return v;
  }

  function clearFeed() {
    $('feed').replaceChildren();
    counts.clear();
    countsDirty = true;
    perSecond.fill(0);
    thisSecond = 0;
  }

  function closeHandle(reason) {
    if (!handle) return;
    const h0 = handle;
    generation++;
    handle = null;
    h0.close();
    lastState = '';
    log(reason || 'Closed by the page', 'state');
    updateButtons();
    pollIndicators();
  }

  /** The demo stream's position, saved in this tab (sessionStorage), or undefined. */
  function savedPosition() {
    try {
      return (positionKey && JSON.parse(sessionStorage.getItem(positionKey) || 'null')) || undefined;
    } catch {
      return undefined;
    }
  }

  /** `resumeSaved`: the page's first connection (e.g. after a reload) resumes from the saved position. */
  function connect(resumeSaved) {
    const source = currentSource();
    const target = source === 'demo' ? demo : real;
    if (!target) {
      log(source === 'demo' ? 'The demo server is not available (no /config.json): start the page with npm start.' : 'Enter your instance URL and token first.', 'error');
      if (source === 'real') $('real-url').focus();
      return;
    }
    if (!lib) {
      log('dist/index.global.js did not load: run npm run build.', 'error');
      return;
    }
    const transport = $('transport').value;
    const stream = $('stream').value;
    const catchUp = $('catchup').checked;
    let options;
    try {
      options = {
        runAsync: true,
        reconnectAsync: true,
        reconnectAsyncWaitSec: numberFrom('wait', 'Reconnect wait', 0.1),
        timeoutSec: numberFrom('timeout', 'Read timeout', 1),
      };
    } catch (err) {
      log(`Not connected: ${err.message}`, 'error');
      return;
    }
    // The demo's stream saves where it stands (onPosition), so that a reload resumes there.
    const what = [stream, stream.startsWith('hashtag') ? $('tag').value.trim() : stream === 'list' ? $('list').value.trim() : '', stream.startsWith('public') && $('only-media').checked];
    positionKey = catchUp && source === 'demo' ? `mastodon-streaming-playground.position:${target.apiBaseUrl}:${what.join(':')}` : null;
    const from = resumeSaved === true ? savedPosition() : undefined;
    options.catchUp = catchUp && { from };
    closeHandle('Closed the previous stream');
    if (positionKey && !from) sessionStorage.removeItem(positionKey); // a new stream starts afresh
    // A new stream starts with an empty feed: cards of the previous one would mislead.
    clearFeed();
    const gen = ++generation;
    reconnects = 0;
    $('ind-reconnects').textContent = '0';
    resume = from ? { at: 0, n: 0, line: null } : null;
    lastHeartbeat = 0;
    const listener = makeListener(gen);
    let h0;
    try {
      const m = new lib.Mastodon({ apiBaseUrl: target.apiBaseUrl, accessToken: target.accessToken, transport });
      const [kind, scope] = stream.split(':');
      if (kind === 'user') h0 = scope ? m.streamUserNotification(listener, options) : m.streamUser(listener, options);
      else if (kind === 'public') h0 = m.streamPublic(listener, { ...options, local: scope === 'local', remote: scope === 'remote', onlyMedia: $('only-media').checked });
      else if (kind === 'hashtag') h0 = m.streamHashtag($('tag').value.trim(), listener, { ...options, local: scope === 'local' });
      else if (kind === 'list') h0 = m.streamList($('list').value.trim(), listener, options);
      else h0 = m.streamDirect(listener, options);
    } catch (err) {
      generation++;
      log(`Could not open the stream: ${describe(err)}`, 'error');
      return;
    }
    handle = h0;
    handleTransport = transport;
    handleCatchUp = catchUp;
    const where = source === 'demo' ? 'the demo server' : new URL(m_url(target.apiBaseUrl)).host;
    log(`Connecting to ${stream} on ${where} over ${transport === 'websocket' ? 'WebSocket' : 'SSE'}${catchUp ? ' with catchUp' : ''}${from ? ', resuming from the position saved in this tab' : ''}`, 'state');
    h0.done.then(() => {
      if (gen !== generation) return;
      log(h0.error ? `Stream ended for good: ${describe(h0.error)}` : 'Stream ended', h0.error ? 'error' : 'state');
      pollIndicators();
      updateButtons();
    });
    updateButtons();
    pollIndicators();
  }

  const m_url = (u) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : 'https://' + u);

  function updateButtons() {
    const alive = !!handle && handle.isAlive();
    $('close').disabled = !alive;
    $('connect').textContent = alive ? 'Reconnect with these settings' : 'Connect';
    const demoMode = currentSource() === 'demo' && !!demo;
    for (const b of document.querySelectorAll('[data-control]')) b.disabled = !demoMode;
  }

  function updateStreamFields() {
    const v = $('stream').value;
    $('media-row').hidden = !v.startsWith('public');
    $('tag-row').hidden = !v.startsWith('hashtag');
    $('list-row').hidden = v !== 'list';
  }

  function updateSource(initial) {
    const source = currentSource();
    $('real-form').hidden = source !== 'real';
    $('faults').hidden = source !== 'demo';
    if (!initial) {
      // Sensible defaults: the demo heartbeats every few seconds, a real server every 15 s.
      $('timeout').value = source === 'demo' ? String(demoTimeout()) : '60';
      $('wait').value = source === 'demo' ? '1' : '5';
    }
    setText($('source-info'), source === 'demo'
      ? demo ? `Demo server: ${demo.apiBaseUrl} (a fake Mastodon with made-up traffic; demo token supplied by the server).` : 'Demo server: not available here. Run npm start.'
      : real ? `Your instance: ${new URL(m_url(real.apiBaseUrl)).host}. The token is ${sessionStorage.getItem(STORE_KEY) ? 'kept in sessionStorage for this tab' : 'kept in memory only'}.` : 'Your instance: not set yet.');
    updateButtons();
  }

  // Three missed heartbeats and a second: short enough to watch a stall being detected.
  const demoTimeout = () => Math.max(5, Math.ceil(((demo && demo.heartbeatSec) || 15) * 3) + 1);

  async function control(name, button) {
    button.disabled = true;
    try {
      const res = await fetch('/control/' + encodeURIComponent(name), { method: 'POST' });
      const body = await res.json().catch(() => ({}));
      log(res.ok ? `Demo server: ${body.message}` : `Demo server refused ${name}: HTTP ${res.status}`, res.ok ? 'control' : 'error');
    } catch (err) {
      log(`Demo server unreachable: ${describe(err)}`, 'error');
    } finally {
      button.disabled = false;
      updateButtons();
    }
  }

  const STORE_KEY = 'mastodon-streaming-playground.instance';

  function loadRemembered() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
    } catch {
      saved = null;
    }
    if (saved && typeof saved.apiBaseUrl === 'string' && typeof saved.accessToken === 'string') {
      real = saved;
      $('real-url').value = saved.apiBaseUrl;
      $('real-token').value = saved.accessToken;
      $('real-remember').checked = true;
    }
  }

  // ---- Wiring --------------------------------------------------------------------------------

  async function init() {
    loadRemembered();
    $('stream').addEventListener('change', updateStreamFields);
    for (const r of document.querySelectorAll('input[name="source"]')) r.addEventListener('change', () => updateSource(false));
    $('connect').addEventListener('click', () => connect(false));
    // Leaving (a reload, say): save the newest position, not the one of up to a second ago.
    addEventListener('pagehide', () => {
      const p = handle && positionKey && handle.position();
      if (p) sessionStorage.setItem(positionKey, JSON.stringify(p));
    });
    $('close').addEventListener('click', () => closeHandle('Closed by you'));
    $('pause').addEventListener('change', (e) => (paused = e.target.checked));
    $('clear').addEventListener('click', clearFeed);
    for (const b of document.querySelectorAll('[data-control]')) b.addEventListener('click', () => control(b.dataset.control, b));
    $('real-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const url = $('real-url').value.trim();
      const token = $('real-token').value.trim();
      if (!url || !token) return;
      real = { apiBaseUrl: url, accessToken: token };
      if ($('real-remember').checked) sessionStorage.setItem(STORE_KEY, JSON.stringify(real));
      else sessionStorage.removeItem(STORE_KEY);
      updateSource(true);
      connect();
    });
    $('real-remember').addEventListener('change', (e) => {
      if (!e.target.checked) sessionStorage.removeItem(STORE_KEY);
      else if (real) sessionStorage.setItem(STORE_KEY, JSON.stringify(real));
      updateSource(true);
    });
    $('real-forget').addEventListener('click', () => {
      real = null;
      $('real-url').value = '';
      $('real-token').value = '';
      $('real-remember').checked = false;
      sessionStorage.removeItem(STORE_KEY);
      if (currentSource() === 'real') closeHandle('Forgot your instance');
      updateSource(true);
    });
    updateStreamFields();
    renderCounters();
    renderChart();
    setInterval(pollIndicators, 250);
    setInterval(renderChart, 1000);
    if (!lib) log('dist/index.global.js did not load: run npm run build, then reload.', 'error');

    try {
      const res = await fetch('/config.json', { cache: 'no-store' });
      if (res.ok) demo = await res.json();
    } catch {
      demo = null;
    }
    if (demo) {
      $('timeout').value = String(demoTimeout());
      if (demo.tag) $('tag').value = demo.tag;
      if (demo.listId) $('list').value = demo.listId;
    } else if (real) $('source-real').checked = true;
    updateSource(true);
    // A newcomer should see events at once: the demo connects by itself.
    if (demo && currentSource() === 'demo') connect(true);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
