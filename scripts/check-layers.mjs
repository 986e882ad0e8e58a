#!/usr/bin/env node
// House rules that a general linter cannot express (ARCHITECTURE.md, "Rules of the house" 1 and the
// layer diagram): the model layers never read the wall clock or global randomness, and imports only
// point down the layer stack. Reads the TypeScript AST, so strings and comments never trigger it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Layers whose behaviour must be a pure function of (inputs, seed). */
const MODEL_LAYERS = new Set(['engine', 'envoy', 'mesh', 'run']);

/** layer -> layers it may import at runtime. `config` types are allowed into envoy via `import type`. */
const ALLOWED = {
  engine: [],
  config: ['engine'],
  envoy: ['engine'],
  mesh: ['engine', 'config', 'envoy'],
  run: ['engine', 'config', 'envoy', 'mesh'],
  report: ['engine', 'config', 'envoy', 'mesh', 'run'],
  cli: ['engine', 'config', 'envoy', 'mesh', 'run', 'report', 'index', 'calibrate'],
  index: ['engine', 'config', 'envoy', 'mesh', 'run', 'report', 'calibrate'],
  // Prometheus data -> scenario: reads config types and report helpers, never the model layers.
  calibrate: ['engine', 'config', 'report'],
};
const TYPE_ONLY_ALLOWED = { envoy: ['config'] };

const FORBIDDEN_MEMBERS = new Map([
  ['Math.random', 'use a named RNG stream from engine/random (rule 1: randomness is injected)'],
  ['Date.now', 'use the simulation clock `sim.now` (rule 1: time is injected)'],
  ['performance.now', 'use the simulation clock `sim.now` (rule 1: time is injected)'],
]);
const FORBIDDEN_GLOBALS = new Map([
  ['setTimeout', 'schedule a simulation event instead (rule 1)'],
  ['setInterval', 'schedule a simulation event instead (rule 1)'],
  ['setImmediate', 'schedule a simulation event instead (rule 1)'],
]);

function layerOf(srcRoot, file) {
  const rel = relative(srcRoot, file).split(sep);
  // version.ts is a constant with no imports: a leaf every layer may use.
  if (rel.length === 1 && /^version\.(ts|js)$/.test(rel[0])) return 'version';
  if (rel.length === 1) return 'index';
  return rel[0];
}

function listTs(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

function isShadowed(node) {
  // `setTimeout` as a property name (`obj.setTimeout`) or a declaration is not the global.
  const p = node.parent;
  if (!p) return false;
  if (ts.isPropertyAccessExpression(p) && p.name === node) return true;
  if (
    (ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) &&
    p.name === node
  )
    return true;
  return false;
}

/**
 * @param {string} srcRoot directory laid out like src/ (engine/, envoy/, ...)
 * @returns {{file: string, line: number, column: number, rule: string, message: string}[]}
 */
export function checkLayers(srcRoot) {
  const root = resolve(srcRoot);
  const problems = [];
  for (const file of listTs(root)) {
    const layer = layerOf(root, file);
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const report = (node, rule, message) => {
      const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      problems.push({
        file: relative(process.cwd(), file),
        line: line + 1,
        column: character + 1,
        rule,
        message,
      });
    };
    const checkImport = (node, spec, typeOnly) => {
      if (!spec.startsWith('.')) return;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(root + sep) && target !== root) return;
      const targetLayer = layerOf(root, target.endsWith('.js') ? target : `${target}.js`);
      if (targetLayer === layer || targetLayer === 'version') return;
      const allowed = ALLOWED[layer];
      if (!allowed) return;
      if (allowed.includes(targetLayer)) return;
      if (typeOnly && (TYPE_ONLY_ALLOWED[layer] ?? []).includes(targetLayer)) return;
      report(
        node,
        'layer-direction',
        `${layer}/ must not import ${targetLayer}/ ('${spec}'); allowed: ${allowed.join(', ') || 'nothing'}`,
      );
    };
    const visit = (node) => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        const typeOnly =
          node.importClause?.isTypeOnly === true ||
          (node.importClause?.namedBindings &&
            ts.isNamedImports(node.importClause.namedBindings) &&
            !node.importClause.name &&
            node.importClause.namedBindings.elements.length > 0 &&
            node.importClause.namedBindings.elements.every((e) => e.isTypeOnly));
        checkImport(node, node.moduleSpecifier.text, typeOnly);
      } else if (
        ts.isExportDeclaration(node) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        checkImport(node, node.moduleSpecifier.text, node.isTypeOnly);
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] &&
        ts.isStringLiteral(node.arguments[0])
      ) {
        checkImport(node, node.arguments[0].text, false);
      }
      if (MODEL_LAYERS.has(layer)) {
        if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
          const key = `${node.expression.text}.${node.name.text}`;
          const why = FORBIDDEN_MEMBERS.get(key);
          if (why) report(node, 'no-wall-clock-or-global-random', `${key} is forbidden in ${layer}/: ${why}`);
        } else if (ts.isIdentifier(node) && FORBIDDEN_GLOBALS.has(node.text) && !isShadowed(node)) {
          report(
            node,
            'no-wall-clock-or-global-random',
            `${node.text} is forbidden in ${layer}/: ${FORBIDDEN_GLOBALS.get(node.text)}`,
          );
        } else if (
          ts.isNewExpression(node) &&
          ts.isIdentifier(node.expression) &&
          node.expression.text === 'Date'
        ) {
          report(
            node,
            'no-wall-clock-or-global-random',
            `new Date() is forbidden in ${layer}/: time is injected`,
          );
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? 'src';
  const problems = checkLayers(root);
  for (const p of problems) console.error(`${p.file}:${p.line}:${p.column} error ${p.rule} ${p.message}`);
  if (problems.length > 0) {
    console.error(`check-layers: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(`check-layers: ${root} ok`);
}
