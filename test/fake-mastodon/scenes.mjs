// Demo pictures: small generated SVG scenes (640×480) that match the demo's media
// descriptions, so the playground shows something that looks like a photo, not a flat square.
// /media/<id>.svg?scene=<name>&hue=<0-359> serves them; `hue` shifts the light a little.

const W = 640;
const H = 480;

/** @param {string} id @param {string} top @param {string} bottom */
const sky = (id, top, bottom) =>
  `<linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient>`;

/** @type {Record<string, (hue: number) => string>} */
const SCENES = {
  // A ginger cat asleep on a sunny windowsill.
  cat: (hue) =>
    `<defs>${sky('s', `hsl(${200 + (hue % 20)},70%,78%)`, 'hsl(45,90%,88%)')}<radialGradient id="f" cx=".4" cy=".4"><stop offset="0" stop-color="#f4a259"/><stop offset="1" stop-color="#c8692a"/></radialGradient></defs>` +
    `<rect width="${W}" height="${H}" fill="#e9dcc6"/><rect x="70" y="40" width="500" height="300" rx="6" fill="url(#s)"/>` +
    `<circle cx="470" cy="110" r="42" fill="#fff6c9" opacity=".9"/><path d="M70 250 Q200 200 330 240 T570 230 V340 H70Z" fill="#8cbf7a" opacity=".8"/>` +
    `<rect x="315" y="40" width="10" height="300" fill="#f7f1e6"/><rect x="70" y="185" width="500" height="10" fill="#f7f1e6"/>` +
    `<rect x="30" y="330" width="580" height="40" rx="4" fill="#fbf7ef"/><rect x="30" y="370" width="580" height="110" fill="#d8c8ad"/>` +
    `<polygon points="70,340 570,340 640,0 640,480 0,480 0,0" fill="#fff3c4" opacity=".18"/>` +
    `<ellipse cx="320" cy="318" rx="130" ry="38" fill="url(#f)"/><circle cx="222" cy="302" r="40" fill="url(#f)"/>` +
    `<path d="M192 276 L200 240 L220 268Z M232 266 L252 238 L258 276Z" fill="#c8692a"/>` +
    `<path d="M205 304 q8 6 16 0 M232 304 q8 6 16 0" stroke="#5a2d0c" stroke-width="3" fill="none" stroke-linecap="round"/>` +
    `<path d="M448 322 q60 10 40 -30" stroke="#c8692a" stroke-width="18" fill="none" stroke-linecap="round"/>` +
    `<path d="M290 300 q20 -8 40 0 M340 296 q20 -8 40 0" stroke="#b35d22" stroke-width="5" fill="none" opacity=".6"/>`,

  // A foggy harbour at dawn with two small boats.
  harbour: (hue) =>
    `<defs>${sky('s', `hsl(${210 + (hue % 20)},25%,70%)`, '#e8e4dc')}${sky('w', '#9fb0b8', '#5f7480')}</defs>` +
    `<rect width="${W}" height="${H}" fill="url(#s)"/><circle cx="430" cy="170" r="46" fill="#fff4dc" opacity=".7"/>` +
    `<path d="M0 260 Q80 220 160 250 T330 240 T480 230 T640 250 V290 H0Z" fill="#8d9aa3" opacity=".55"/>` +
    `<rect y="280" width="${W}" height="200" fill="url(#w)"/>` +
    `<g fill="#e9eef0" opacity=".35"><rect x="40" y="310" width="160" height="3"/><rect x="300" y="340" width="220" height="3"/><rect x="120" y="390" width="260" height="3"/><rect x="420" y="420" width="160" height="3"/></g>` +
    `<path d="M120 330 h150 l-25 30 h-100Z" fill="#2f3e46"/><rect x="185" y="250" width="5" height="80" fill="#2f3e46"/><path d="M190 255 l45 65 h-45Z" fill="#d9d4c7"/>` +
    `<path d="M390 350 h110 l-18 22 h-74Z" fill="#7a3b2e"/><rect x="440" y="295" width="4" height="55" fill="#3b2a24"/><path d="M444 300 l32 46 h-32Z" fill="#efe6d2"/>` +
    `<rect width="${W}" height="${H}" fill="#f3f1ec" opacity=".25"/>`,

  // A loaf of bread with a slightly collapsed crust.
  bread: () =>
    `<defs><radialGradient id="l" cx=".45" cy=".35"><stop offset="0" stop-color="#e9b872"/><stop offset=".7" stop-color="#b9782f"/><stop offset="1" stop-color="#7d4a1b"/></radialGradient></defs>` +
    `<rect width="${W}" height="${H}" fill="#5b4636"/><rect y="300" width="${W}" height="180" fill="#8a6a4f"/>` +
    `<g stroke="#6f543f" stroke-width="3" opacity=".6"><path d="M0 340 H640 M0 390 H640 M0 440 H640"/></g>` +
    `<ellipse cx="320" cy="370" rx="230" ry="34" fill="#3b2c21" opacity=".6"/><ellipse cx="320" cy="330" rx="210" ry="40" fill="#efe2c7"/>` +
    `<path d="M130 330 Q140 210 320 205 Q500 210 510 330 Q320 350 130 330Z" fill="url(#l)"/>` +
    `<path d="M210 262 q40 -30 80 0 M290 250 q40 -30 80 0 M370 262 q40 -26 70 4" stroke="#f5d9a6" stroke-width="7" fill="none" stroke-linecap="round"/>` +
    `<circle cx="520" cy="90" r="60" fill="#fff0cf" opacity=".15"/>`,

  // Autumn leaves in red and yellow on wet pavement.
  leaves: (hue) => {
    let leaves = '';
    const colors = ['#d1495b', '#edae49', '#e07a2f', '#a23b2a', '#f2c14e'];
    for (let i = 0; i < 22; i++) {
      const x = (i * 137 + hue * 3) % 600 + 20;
      const y = (i * 89 + hue) % 440 + 20;
      const r = (i * 47) % 360;
      leaves += `<g transform="translate(${x} ${y}) rotate(${r})"><path d="M0 -26 Q18 -8 0 26 Q-18 -8 0 -26Z" fill="${colors[i % colors.length]}"/><path d="M0 -22 V30" stroke="#5b2a17" stroke-width="2"/></g>`;
    }
    return `<rect width="${W}" height="${H}" fill="#3d4145"/><g stroke="#2c3033" stroke-width="4"><path d="M0 160 H640 M0 320 H640 M213 0 V160 M426 160 V320 M213 320 V480"/></g>` +
      `<ellipse cx="420" cy="360" rx="140" ry="40" fill="#6d7a86" opacity=".35"/>${leaves}`;
  },

  // A heron standing in shallow water.
  heron: (hue) =>
    `<defs>${sky('s', `hsl(${190 + (hue % 20)},40%,80%)`, '#dfe9e4')}${sky('w', '#8fb3b0', '#4e7471')}</defs>` +
    `<rect width="${W}" height="${H}" fill="url(#s)"/><path d="M0 250 Q160 200 320 240 T640 225 V280 H0Z" fill="#6e8f6a"/>` +
    `<rect y="270" width="${W}" height="210" fill="url(#w)"/><g stroke="#c9dedb" stroke-width="2" opacity=".5"><path d="M60 320 h120 M380 300 h160 M200 420 h200"/></g>` +
    `<path d="M300 370 L298 262 M318 370 L320 262" stroke="#3f3a36" stroke-width="4"/>` +
    `<path d="M270 230 Q300 290 350 250 Q360 200 320 200 Q290 205 270 230Z" fill="#9aa3ab"/><path d="M300 230 Q330 280 352 246 L345 214Z" fill="#6c757d"/>` +
    `<path d="M322 205 Q300 170 318 140 Q330 120 322 100" stroke="#c6ccd1" stroke-width="12" fill="none" stroke-linecap="round"/>` +
    `<circle cx="322" cy="98" r="12" fill="#dfe3e6"/><path d="M332 96 L378 104 L332 104Z" fill="#d9a441"/><path d="M314 92 L290 88" stroke="#2b2b2b" stroke-width="3"/>` +
    `<path d="M300 372 q20 12 40 0" stroke="#d6e6e3" stroke-width="2" fill="none" opacity=".8"/>`,

  // An orange sunset over rooftops.
  sunset: (hue) =>
    `<defs>${sky('s', '#3b2c5e', `hsl(${20 + (hue % 15)},90%,62%)`)}</defs>` +
    `<rect width="${W}" height="${H}" fill="url(#s)"/><circle cx="330" cy="300" r="70" fill="#ffd166"/>` +
    `<g fill="#ffb26b" opacity=".5"><rect x="40" y="150" width="200" height="6" rx="3"/><rect x="380" y="120" width="220" height="5" rx="3"/><rect x="200" y="200" width="160" height="4" rx="2"/></g>` +
    `<path d="M0 330 L40 300 L80 330 V290 H120 V330 L170 280 L220 330 H260 V270 H300 V330 L350 300 L400 330 V285 H430 V260 H450 V330 L500 290 L550 330 H590 V300 H640 V480 H0Z" fill="#1f1a2e"/>` +
    `<g fill="#ffcf6e"><rect x="90" y="360" width="14" height="18"/><rect x="280" y="350" width="12" height="16"/><rect x="470" y="370" width="14" height="18"/><rect x="560" y="350" width="12" height="16"/></g>`,
};

export const SCENE_NAMES = Object.keys(SCENES);

/** The SVG of a scene, or undefined when there is no such scene. @param {string} name @param {number} [hue] */
export function sceneSvg(name, hue = 0) {
  const draw = SCENES[name];
  if (!draw) return undefined;
  const h = Number.isFinite(hue) ? Math.abs(Math.round(hue)) % 360 : 0;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${draw(h)}</svg>`;
}
