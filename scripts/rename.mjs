// The script-tag builds' last step (tsup.config.ts): uglify-js renames the variables of what
// terser produced, and nothing else — then this proves that nothing else changed.
//
// Why: terser gives the bundle's top-level names (MastodonError, the timers, the thrower…) the
// same short letters the functions inside use for their own parameters, so a function that
// reads a top-level name has to call its parameters something else, and the same code comes
// out spelled differently from one function to the next. uglify-js's mangler keeps the two
// sets of letters apart: every function's parameters are then `e, t, n, r…`, which gzip
// compresses better (about 40 B of the IIFE's 8,000 B budget; `npm run size`).
//
// The proof, `sameButNames`: both programs are parsed afresh and their scopes resolved, then
// walked side by side. Every node must be of the same kind with the same literal values,
// operators, property names and directives; where a name is a variable, the two variables
// must correspond one to one through the whole program (a rename that captured or split a
// variable is refused); a name that is not a variable (a global such as `fetch`, a property,
// a method, a private `#field`) must be spelled the same. A difference throws, and the build
// fails.
import uglify from 'uglify-js';

const { minify, parse, TreeWalker, AST_Symbol } = uglify;

/** Walks a program in source order: every node, once. */
const nodesOf = (code) => {
  const ast = parse(code);
  ast.figure_out_scope({});
  const nodes = [];
  ast.walk(new TreeWalker((node) => void nodes.push(node)));
  return nodes;
};

/** Own primitive fields of a node other than positions and names (values, operators, keys…). */
const fieldsOf = (node) =>
  Object.entries(node)
    .filter(([k, v]) => k != 'start' && k != 'end' && k != 'name' && (v === null || typeof v != 'object') && typeof v != 'function')
    .map(([k, v]) => `${k}=${String(v)}`)
    .sort()
    .join(' ');

/** Throws unless `b` is `a` with variables renamed (consistently, one to one). */
export const sameButNames = (a, b) => {
  const x = nodesOf(a);
  const y = nodesOf(b);
  if (x.length != y.length) throw new Error(`rename check: ${x.length} nodes became ${y.length}`);
  const there = new Map();
  const back = new Map();
  for (let i = 0; i < x.length; i++) {
    const m = x[i];
    const n = y[i];
    const where = () => `at node ${i} (${m.TYPE} ${m.name ?? ''} -> ${n.TYPE} ${n.name ?? ''})`;
    if (m.TYPE != n.TYPE || fieldsOf(m) != fieldsOf(n)) throw new Error(`rename check: the code changed ${where()}`);
    if (!(m instanceof AST_Symbol)) continue;
    const d = m.thedef;
    const e = n.thedef;
    // A variable on both sides (declared in the program): the pair must hold everywhere.
    if (d && !d.undeclared && e && !e.undeclared) {
      if ((there.get(d) ?? e) != e || (back.get(e) ?? d) != d) throw new Error(`rename check: a variable was split or merged ${where()}`);
      there.set(d, e);
      back.set(e, d);
    } else if (m.name != n.name || !!(d && !d.undeclared) != !!(e && !e.undeclared)) {
      throw new Error(`rename check: a name that is not renamed changed ${where()}`);
    }
  }
};

/** `code` (a script, terser's output) with its variables renamed by uglify-js, checked. */
export const renameForGzip = (code) => {
  const out = minify(code, { module: false, compress: false, mangle: { toplevel: false } });
  if (out.error) throw out.error;
  sameButNames(code, out.code);
  return out.code;
};
